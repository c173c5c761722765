package io.bulwark.core.plan;

/** A namespace to enter with setns: its CLONE_NEW* type and the path of a namespace file. */
public record NamespaceJoin(long type, String path) {
}
