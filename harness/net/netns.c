/* Named network namespaces (see netns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

static int ns_path(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, NF_NETNS_DIR "/%s", name);
	return (n < 0 || (size_t)n >= len || strchr(name, '/')) ? -EINVAL : 0;
}

/* The folder made a shared mount point of its own before a namespace is
 * mounted in it, as iproute2 makes it: left a plain folder, the first
 * `ip netns add` (a user's, a test's) binds it over itself, burying the
 * mounts of every run alive then, whose files can then be neither
 * unmounted nor deleted (EBUSY) and open as no namespace. Once, under a
 * lock on the folder: runs starting together do it one at a time. Best
 * effort: without it the namespaces work as before. */
static void dir_mount_point(void)
{
	struct statx sx;

	if (statx(AT_FDCWD, NF_NETNS_DIR, 0, STATX_BASIC_STATS, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	    (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return; /* one already: nothing to bury (a fleet's namespaces ask once each) */
	int fd = open(NF_NETNS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX) == 0 &&
	    mount("", NF_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0 && errno == EINVAL &&
	    mount(NF_NETNS_DIR, NF_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) == 0)
		mount("", NF_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL);
	close(fd); /* the lock goes with it */
}

int nf_netns_create(const char *name)
{
	char path[256];
	int fd, saved = -1, rc;

	if (ns_path(path, sizeof(path), name))
		return -EINVAL;
	if (mkdir(NF_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	dir_mount_point();
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	close(fd);
	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		rc = -errno;
		goto fail;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0 ? -errno : 0;
	if (setns(saved, CLONE_NEWNET) < 0 && !rc)
		rc = -errno;
	close(saved);
	if (rc)
		goto fail_unlink;
	return 0;
fail:
	if (saved >= 0)
		close(saved);
fail_unlink:
	unlink(path);
	return rc;
}

int nf_netns_delete(const char *name)
{
	char path[256];

	if (ns_path(path, sizeof(path), name))
		return -EINVAL;
	umount2(path, MNT_DETACH);
	return unlink(path) < 0 ? -errno : 0;
}

int nf_netns_open(const char *name)
{
	char path[256];
	int fd;

	if (ns_path(path, sizeof(path), name))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int nf_netns_enter(int nsfd, int *saved)
{
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		int e = errno;
		close(*saved);
		return -e;
	}
	return 0;
}

int nf_netns_leave(int saved)
{
	int rc = setns(saved, CLONE_NEWNET) < 0 ? -errno : 0;

	close(saved);
	return rc;
}

int nf_netns_sysctl(int nsfd, const char *path, const char *value)
{
	int saved, fd, rc;

	rc = nf_netns_enter(nsfd, &saved);
	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		if (write(fd, value, strlen(value)) < 0)
			rc = -errno;
		close(fd);
	}
	nf_netns_leave(saved);
	return rc;
}
