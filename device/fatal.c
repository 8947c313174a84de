/* The device's last words on a fatal signal (see fatal.h). Only write(2)
 * and the async-signal-safe execinfo calls; backtrace() is called once at
 * install so its library is loaded before any signal. The binary exports
 * its symbols (ENABLE_EXPORTS), so dladdr names lwIP's and ours. */
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fatal.h"

#define MAX_FRAMES 24

static void put(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		return;
}

static void on_fatal(int sig)
{
	void *f[MAX_FRAMES];
	int n = backtrace(f, MAX_FRAMES);
	Dl_info self, di;

	put("netflap-device: fatal signal ");
	put(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	put("\n");
	/* our binary's frames only: the handler, libc's abort and the signal
	 * trampoline say nothing about the cause */
	if (dladdr((void *)on_fatal, &self))
		for (int i = 1; i < n; i++)
			if (dladdr(f[i], &di) && di.dli_fbase == self.dli_fbase && di.dli_sname) {
				put("netflap-device: frame ");
				put(di.dli_sname);
				put("\n");
			}
	signal(sig, SIG_DFL);
	raise(sig);
}

void nf_fatal_install(void)
{
	static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	void *warm[1];

	backtrace(warm, 1);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal);
}
