-- Several nodes on one database: a task that touches a volume's data (the engine) runs only on the node
-- that holds that data (the node part of the volume's host, node1 of node1@local#default); NULL runs
-- anywhere. Claims filter on it, so it leads the claim index.
ALTER TABLE tasks ADD COLUMN node VARCHAR(255);
CREATE INDEX ix_tasks_node_claimable ON tasks (node, state, created_at);
