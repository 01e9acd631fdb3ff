package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The functions of the system {@code libbpf.so.1} that kmesh-perf calls, limited to what libbpf
 * 1.1 has. Each method carries its C prototype; nothing else lives here. Functions newer than 1.1
 * are looked up lazily through {@link LibbpfLoader.Natives#optionalFunction(String)}.
 *
 * <p>Convention of libbpf 1.x: functions returning a pointer return NULL and set errno on failure;
 * functions returning int return a negative errno.
 */
public interface Libbpf extends Library {

    /** {@code typedef int (*libbpf_print_fn_t)(enum libbpf_print_level level, const char *, va_list ap);} */
    interface PrintFn extends Callback {
        int invoke(int level, String format, Pointer vaList);
    }

    /** {@code libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);} */
    Pointer libbpf_set_print(PrintFn fn);

    /** {@code __u32 libbpf_major_version(void);} */
    int libbpf_major_version();

    /** {@code __u32 libbpf_minor_version(void);} */
    int libbpf_minor_version();

    /** {@code const char *libbpf_version_string(void);} */
    String libbpf_version_string();

    /** {@code int libbpf_num_possible_cpus(void);} */
    int libbpf_num_possible_cpus();

    /** {@code int libbpf_probe_bpf_map_type(enum bpf_map_type map_type, const void *opts);} */
    int libbpf_probe_bpf_map_type(int mapType, Pointer opts);

    /** {@code int libbpf_probe_bpf_prog_type(enum bpf_prog_type prog_type, const void *opts);} */
    int libbpf_probe_bpf_prog_type(int progType, Pointer opts);

    /** {@code struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz, const struct bpf_object_open_opts *opts);} */
    Pointer bpf_object__open_mem(Pointer objBuf, long objBufSize, Pointer opts);

    /** {@code int bpf_object__load(struct bpf_object *obj);} */
    int bpf_object__load(Pointer obj);

    /** {@code void bpf_object__close(struct bpf_object *obj);} */
    void bpf_object__close(Pointer obj);

    /** {@code struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name);} */
    Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    /** {@code struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name);} */
    Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    /** {@code int bpf_map__fd(const struct bpf_map *map);} */
    int bpf_map__fd(Pointer map);

    /** {@code int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries);} */
    int bpf_map__set_max_entries(Pointer map, int maxEntries);

    /** {@code int bpf_program__set_autoload(struct bpf_program *prog, bool autoload);} */
    int bpf_program__set_autoload(Pointer prog, boolean autoload);

    /** {@code int bpf_program__fd(const struct bpf_program *prog);} */
    int bpf_program__fd(Pointer prog);

    /** {@code struct bpf_link *bpf_program__attach(const struct bpf_program *prog);} */
    Pointer bpf_program__attach(Pointer prog);

    /** {@code struct bpf_link *bpf_program__attach_cgroup(const struct bpf_program *prog, int cgroup_fd);} */
    Pointer bpf_program__attach_cgroup(Pointer prog, int cgroupFd);

    /** {@code struct bpf_link *bpf_program__attach_iter(const struct bpf_program *prog, const struct bpf_iter_attach_opts *opts);} */
    Pointer bpf_program__attach_iter(Pointer prog, Pointer opts);

    /** {@code int bpf_link__destroy(struct bpf_link *link);} */
    int bpf_link__destroy(Pointer link);

    /** {@code int bpf_link__fd(const struct bpf_link *link);} */
    int bpf_link__fd(Pointer link);

    /** {@code int bpf_iter_create(int link_fd);} */
    int bpf_iter_create(int linkFd);

    /** {@code int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);} */
    int bpf_prog_test_run_opts(int progFd, Pointer opts);

    /** {@code int bpf_map_get_next_id(__u32 start_id, __u32 *next_id);} */
    int bpf_map_get_next_id(int startId, IntByReference nextId);

    /** {@code int bpf_prog_get_next_id(__u32 start_id, __u32 *next_id);} */
    int bpf_prog_get_next_id(int startId, IntByReference nextId);

    /** {@code int bpf_link_get_next_id(__u32 start_id, __u32 *next_id);} */
    int bpf_link_get_next_id(int startId, IntByReference nextId);

    /** {@code int bpf_map_get_fd_by_id(__u32 id);} */
    int bpf_map_get_fd_by_id(int id);

    /** {@code int bpf_prog_get_fd_by_id(__u32 id);} */
    int bpf_prog_get_fd_by_id(int id);

    /** {@code int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len);} */
    int bpf_obj_get_info_by_fd(int fd, Pointer info, IntByReference infoLen);

    /** {@code int bpf_obj_get(const char *pathname);} */
    int bpf_obj_get(String path);

    /** {@code int bpf_obj_pin(int fd, const char *pathname);} */
    int bpf_obj_pin(int fd, String path);

    /** {@code int bpf_map_create(enum bpf_map_type map_type, const char *map_name, __u32 key_size, __u32 value_size, __u32 max_entries, const struct bpf_map_create_opts *opts);} */
    int bpf_map_create(int mapType, String name, int keySize, int valueSize, int maxEntries, Pointer opts);

    /** {@code int bpf_map_lookup_elem(int fd, const void *key, void *value);} */
    int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    /** {@code int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);} */
    int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    /** {@code int bpf_map_delete_elem(int fd, const void *key);} */
    int bpf_map_delete_elem(int fd, Pointer key);

    /** {@code int bpf_map_get_next_key(int fd, const void *key, void *next_key);} */
    int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

    /** {@code int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, __u32 *count, const struct bpf_map_batch_opts *opts);} */
    int bpf_map_lookup_batch(int fd, Pointer inBatch, Pointer outBatch, Pointer keys, Pointer values,
                             IntByReference count, Pointer opts);

    /** {@code int bpf_map_update_batch(int fd, const void *keys, const void *values, __u32 *count, const struct bpf_map_batch_opts *opts);} */
    int bpf_map_update_batch(int fd, Pointer keys, Pointer values, IntByReference count, Pointer opts);

    /** {@code int bpf_enable_stats(enum bpf_stats_type type);} */
    int bpf_enable_stats(int type);

    /** {@code int bpf_map__reuse_fd(struct bpf_map *map, int fd);} */
    int bpf_map__reuse_fd(Pointer map, int fd);
}
