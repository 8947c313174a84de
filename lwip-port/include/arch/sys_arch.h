/* pthread-backed lwIP OS abstraction types (see lwip-port/sys_arch.c). */
#ifndef NETFLAP_ARCH_SYS_ARCH_H
#define NETFLAP_ARCH_SYS_ARCH_H

struct sys_sem;
struct sys_mutex;
struct sys_mbox;
typedef struct sys_sem *sys_sem_t;
typedef struct sys_mutex *sys_mutex_t;
typedef struct sys_mbox *sys_mbox_t;
typedef unsigned long sys_thread_t;
typedef int sys_prot_t;

#define sys_sem_valid(sem) (((sem) != NULL) && (*(sem) != NULL))
#define sys_sem_valid_val(sem) ((sem) != NULL)
#define sys_sem_set_invalid(sem)                                                                   \
	do {                                                                                       \
		if ((sem) != NULL)                                                                 \
			*(sem) = NULL;                                                             \
	} while (0)
#define sys_mutex_valid(m) (((m) != NULL) && (*(m) != NULL))
#define sys_mutex_set_invalid(m)                                                                   \
	do {                                                                                       \
		if ((m) != NULL)                                                                   \
			*(m) = NULL;                                                               \
	} while (0)
#define sys_mbox_valid(mb) (((mb) != NULL) && (*(mb) != NULL))
#define sys_mbox_valid_val(mb) ((mb) != NULL)
#define sys_mbox_set_invalid(mb)                                                                   \
	do {                                                                                       \
		if ((mb) != NULL)                                                                  \
			*(mb) = NULL;                                                              \
	} while (0)

/* One semaphore per thread for blocking netconn calls
 * (LWIP_NETCONN_SEM_PER_THREAD, needed by LWIP_NETCONN_FULLDUPLEX). */
sys_sem_t *sys_arch_netconn_sem_get(void);
void sys_arch_netconn_sem_alloc(void);
void sys_arch_netconn_sem_free(void);
#define LWIP_NETCONN_THREAD_SEM_GET() sys_arch_netconn_sem_get()
#define LWIP_NETCONN_THREAD_SEM_ALLOC() sys_arch_netconn_sem_alloc()
#define LWIP_NETCONN_THREAD_SEM_FREE() sys_arch_netconn_sem_free()

/* Catch lwIP core calls made without the core lock from outside the
 * tcpip thread: they are data races, not just style. */
void sys_arch_check_core_locking(void);
void sys_arch_mark_tcpip_thread(void);
void sys_arch_lock_tcpip_core(void);
void sys_arch_unlock_tcpip_core(void);

#endif
