/* Named network namespaces, as `ip netns` keeps them (/run/netns/NAME),
 * made and entered without running `ip`. */
#ifndef NETFLAP_NETNS_H
#define NETFLAP_NETNS_H

#define NF_NETNS_DIR "/run/netns"
#define NF_NETNS_PREFIX "netflap-"

/* Creates /run/netns/NAME. 0 or -errno. */
int nf_netns_create(const char *name);
/* Unmounts and removes it; processes still inside keep it alive. */
int nf_netns_delete(const char *name);
/* An fd for setns(), O_CLOEXEC. fd or -errno. */
int nf_netns_open(const char *name);
/* Moves the calling thread into nsfd; *saved gets the way back. */
int nf_netns_enter(int nsfd, int *saved);
/* Returns the calling thread to saved and closes it. */
int nf_netns_leave(int saved);
/* Writes value to a /proc/sys path as seen from nsfd. 0 or -errno. */
int nf_netns_sysctl(int nsfd, const char *path, const char *value);

#endif
