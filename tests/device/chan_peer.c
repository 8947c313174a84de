/* Test helper: the harness's end of a device's control channel. Listens on
 * a unix socket, accepts one device, copies its lines to OUT (flushed per
 * line), and after the first REPORT asks once for STATUS.
 * Usage: chan_peer SOCKET-PATH OUT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[8192];
	size_t have = 0;
	int lfd, fd, asked = 0;
	FILE *out;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: chan_peer SOCKET-PATH OUT\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0) {
		perror("chan_peer: listen");
		return 1;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "LISTENING\n");
	fflush(out);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		perror("chan_peer: accept");
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		char *nl;
		while ((nl = memchr(buf, '\n', have))) {
			size_t len = (size_t)(nl - buf) + 1;
			fwrite(buf, 1, len, out);
			fflush(out);
			if (!asked && strncmp(buf, "REPORT ", 7) == 0) {
				asked = write(fd, "STATUS\n", 7) == 7;
			}
			have -= len;
			memmove(buf, buf + len, have);
		}
		if (have == sizeof(buf) - 1)
			have = 0; /* an over-long line: drop it */
	}
	fclose(out);
	close(fd);
	unlink(argv[1]);
	return 0;
}
