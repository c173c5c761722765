package io.bulwark.core.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * The OCI state of a container, as {@code bulwark state} prints it and as hooks receive it on stdin.
 * {@code status} is one of {@code creating, created, running, stopped} (and {@code paused}, as runc reports it).
 * {@code pid} is 0 once the container has stopped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"ociVersion", "id", "status", "pid", "bundle", "annotations"})
public record OciState(
    String ociVersion,
    String id,
    String status,
    int pid,
    String bundle,
    Map<String, String> annotations) {

    public static final String OCI_VERSION = "1.2.0";

    public OciState withStatus(String newStatus, int newPid) {
        return new OciState(ociVersion, id, newStatus, newPid, bundle, annotations);
    }
}
