package io.cairn.service;

import java.util.Map;

/** A validated volume create request; {@code availabilityZone} is null when the client gave none. */
public record VolumeCreate(int size, String name, String description, String availabilityZone,
                           Map<String, String> metadata) {}
