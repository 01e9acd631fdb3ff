package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The libc functions kmesh-perf needs beside libbpf: mappings, epoll, eventfd, plain fds. Each
 * method carries its C prototype; nothing else lives here. Failures return -1 (or MAP_FAILED)
 * and set errno, read with {@link com.sun.jna.Native#getLastError()}.
 */
public interface LibC extends Library {
    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_SHARED = 0x01;
    int O_RDONLY = 0;
    int O_DIRECTORY = 0x10000;
    int O_CLOEXEC = 0x80000;
    /** fcntl: a copy of the fd, close-on-exec, numbered at least the argument. */
    int F_DUPFD_CLOEXEC = 1030;
    int EPOLL_CLOEXEC = 0x80000;
    int EPOLL_CTL_ADD = 1;
    int EPOLL_CTL_DEL = 2;
    int EPOLLET = 1 << 31;
    int EPOLLIN = 0x001;
    int EFD_NONBLOCK = 0x800;
    int EFD_CLOEXEC = 0x80000;
    int SC_PAGESIZE = 30;
    int RLIMIT_NOFILE = 7;
    /** {@code statfs.f_type} of a bpffs. */
    long BPF_FS_MAGIC = 0xcafe4a11L;

    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);} */
    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    /** {@code int munmap(void *addr, size_t length);} */
    int munmap(Pointer addr, long length);

    /** {@code int epoll_create1(int flags);} */
    int epoll_create1(int flags);

    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);} */
    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);} */
    int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    /** {@code int eventfd(unsigned int initval, int flags);} */
    int eventfd(int initval, int flags);

    /** {@code ssize_t read(int fd, void *buf, size_t count);} */
    long read(int fd, Pointer buf, long count);

    /** {@code ssize_t write(int fd, const void *buf, size_t count);} */
    long write(int fd, Pointer buf, long count);

    /** {@code int open(const char *pathname, int flags);} */
    int open(String path, int flags);

    /** {@code int inotify_init1(int flags);} */
    int inotify_init1(int flags);

    /** {@code int inotify_add_watch(int fd, const char *pathname, uint32_t mask);} */
    int inotify_add_watch(int fd, String path, int mask);

    /** {@code int close(int fd);} */
    int close(int fd);

    /** {@code int fcntl(int fd, int cmd, int arg);} with an int argument, e.g. {@link #F_DUPFD_CLOEXEC}. */
    int fcntl(int fd, int cmd, int arg);

    /** {@code int getrlimit(int resource, struct rlimit *rlim);} ({@code struct rlimit} is two {@code rlim_t}, 64-bit) */
    int getrlimit(int resource, Pointer rlim);

    /** {@code int statfs(const char *path, struct statfs *buf);} ({@code f_type}, a {@code long}, comes first) */
    int statfs(String path, Pointer buf);

    /** {@code long sysconf(int name);} */
    long sysconf(int name);

    /** {@code pid_t gettid(void);} (glibc 2.30) */
    int gettid();

    /** {@code int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset);} (sigset_t: 128 bytes) */
    int pthread_sigmask(int how, Pointer set, Pointer oldSet);

    /** {@code int vasprintf(char **strp, const char *fmt, va_list ap);} (GNU) */
    int vasprintf(PointerByReference strp, String format, Pointer vaList);

    /** {@code void free(void *ptr);} */
    void free(Pointer ptr);

    /** {@code char *strerror(int errnum);} */
    String strerror(int errnum);
}
