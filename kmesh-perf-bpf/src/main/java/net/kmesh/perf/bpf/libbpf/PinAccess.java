package net.kmesh.perf.bpf.libbpf;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Says why a pin path cannot be reached or opened in words an operator can act on: a directory on
 * the way this process may not search (naming it, its owner and mode, and the missing permission),
 * a read-only bpffs, a directory where a pinned map was expected.
 */
public final class PinAccess {
    private PinAccess() {
    }

    /**
     * The directory on the way to {@code pin} that this process may not search, said in a sentence;
     * empty when every directory up to the pin's own can be searched.
     */
    public static Optional<String> unsearchable(Path pin) {
        Path absolute = pin.toAbsolutePath().normalize();
        Path dir = absolute.getRoot();
        for (Path part : absolute.getParent() == null ? Path.of("") : absolute.getRoot().relativize(absolute)) {
            Path child = dir.resolve(part);
            try {
                Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (AccessDeniedException e) {
                return Optional.of(dir + " cannot be searched by this process (permission denied; " + describe(dir)
                        + "), so whether " + pin + " is pinned cannot be seen: the directory needs search (x) "
                        + "permission for this user; run as its owner or root, or grant CAP_DAC_READ_SEARCH");
            } catch (IOException e) {
                return Optional.empty(); // absent from here on: not a permission problem
            }
            dir = child;
        }
        return Optional.empty();
    }

    private static String describe(Path dir) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return "owner " + a.owner().getName() + ", mode " + PosixFilePermissions.toString(a.permissions())
                    + ", this process uid " + Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return "its owner and mode cannot be read";
        }
    }

    /** The message for {@code pin} refused with EROFS: the bpffs it is in is mounted read-only. */
    public static String readOnly(Path pin) {
        return pin + " is on a read-only bpffs: opening a pinned map read-write is refused (EROFS). Remount that "
                + "bpffs read-write (mount -o remount,rw <its mount point>) or read a ring pinned in a writable one";
    }

    /** The message for a directory found where a pinned ring buffer was expected. */
    public static String directory(Path pin) {
        return pin + " is a directory, not a pinned ring buffer";
    }
}
