/* The user namespace entry (see userns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "userns.h"

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int nf_enter_user_ns(char *err, size_t len)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	/* a network namespace of our own too: we could not setns() back into the
	 * host's from a child namespace, and netflap needs nothing of it */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) < 0) {
		snprintf(err, len, "no root and no user namespace (%s)", strerror(errno));
		return -errno;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_text("/proc/self/setgroups", "deny") < 0 ||
	    write_text("/proc/self/uid_map", map) < 0) {
		snprintf(err, len, "user namespace uid map: %s", strerror(errno));
		return -EPERM;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_text("/proc/self/gid_map", map) < 0) {
		snprintf(err, len, "user namespace gid map: %s", strerror(errno));
		return -EPERM;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) {
		snprintf(err, len, "a private /run in the user namespace: %s", strerror(errno));
		return -EPERM;
	}
	return 0;
}
