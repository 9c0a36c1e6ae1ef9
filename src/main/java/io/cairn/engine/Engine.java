package io.cairn.engine;

import java.io.Closeable;

/** A storage engine with its data path: what a server runs on, {@link LocalChunkEngine} or the RBD engine. */
public interface Engine extends StorageEngine, BlockStore, Closeable {}
