/**
 * Python emulation: how Cinder's Python reads and writes the values Cairn must read and write alike
 * ({@code int()}, {@code str.strip()}, {@code repr()}, {@code ast.literal_eval} of a dict, {@code json.dumps},
 * oslo's booleans). Nothing else in Cairn imitates Python (ArchitectureTest keeps it so); this package
 * depends on nothing of Cairn's but {@code domain}, and its tests compare it with values Python produced.
 */
package io.cairn.compat;
