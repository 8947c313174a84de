/* A firmware that forgets its socket on every link loss: the example app
 * (examples/app/example.c) with its close left out, so each reconnect
 * keeps one more socket slot. netflap must find the slot leak. Built into
 * a stack by tests/lwip/add_stack_test.sh (scripts/add-stack.sh --app). */
#define nf_app_example nf_app_example_inside_leaky_socket
#include "../../examples/app/example.c"

static void leaky_close(void *state, struct nf_app_host *h, struct nf_app_figures *f,
			bool leaving)
{
	struct example *e = state;

	(void)h, (void)f, (void)leaving;
	e->fd = -1; /* forgotten, never closed */
}

const struct nf_app nf_app_leaky_socket = {
    .api = NF_APP_API,
    .name = "leaky-socket",
    .counters = {"sessions opened", "sockets closed"},
    .state_size = sizeof(struct example),
    .init = example_init,
    .connect = example_connect,
    .serve = example_serve,
    .close = leaky_close,
};
