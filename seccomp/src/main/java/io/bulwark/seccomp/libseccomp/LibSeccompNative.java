package io.bulwark.seccomp.libseccomp;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.u_int32_t;

/**
 * The part of libseccomp's C API (seccomp.h, 2.5) that Bulwark uses, bound with jnr-ffi. Only {@link Libseccomp}
 * calls it: the raw return conventions (negative errno, NULL) are turned into exceptions there.
 */
public interface LibSeccompNative {
    /** {@code const struct scmp_version *seccomp_version(void)}: three unsigned ints. */
    Pointer seccomp_version();

    @u_int32_t int seccomp_api_get();

    /** {@code scmp_filter_ctx seccomp_init(uint32_t def_action)}. */
    Pointer seccomp_init(@u_int32_t int defAction);

    void seccomp_release(Pointer ctx);

    int seccomp_arch_add(Pointer ctx, @u_int32_t int archToken);

    int seccomp_arch_exist(Pointer ctx, @u_int32_t int archToken);

    @u_int32_t int seccomp_arch_native();

    @u_int32_t int seccomp_arch_resolve_name(String archName);

    /** {@code int seccomp_rule_add_array(ctx, uint32_t action, int syscall, unsigned int cnt, const struct scmp_arg_cmp *)}. */
    int seccomp_rule_add_array(Pointer ctx, @u_int32_t int action, int syscall, @u_int32_t int argCount, @In Pointer args);

    int seccomp_attr_set(Pointer ctx, int attr, @u_int32_t int value);

    int seccomp_attr_get(Pointer ctx, int attr, @Out IntByReference value);

    int seccomp_export_bpf(Pointer ctx, int fd);

    int seccomp_syscall_resolve_name(String name);

    int seccomp_syscall_resolve_name_arch(@u_int32_t int archToken, String name);

    /** Returns a malloc'd string the caller frees, or NULL. */
    Pointer seccomp_syscall_resolve_num_arch(@u_int32_t int archToken, int num);

    int seccomp_notify_alloc(@Out PointerByReference req, @Out PointerByReference resp);

    void seccomp_notify_free(Pointer req, Pointer resp);

    int seccomp_notify_receive(int fd, Pointer req);

    int seccomp_notify_respond(int fd, Pointer resp);

    int seccomp_notify_id_valid(int fd, long id);
}
