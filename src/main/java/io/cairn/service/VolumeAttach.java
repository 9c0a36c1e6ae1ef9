package io.cairn.service;

/** A schema-checked os-attach request; {@code mode} is {@code rw} or {@code ro}. */
public record VolumeAttach(String instanceUuid, String hostName, String mountpoint, String mode) {}
