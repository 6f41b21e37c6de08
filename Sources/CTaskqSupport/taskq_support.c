// GNU extensions the Swift Glibc module does not import.
#define _GNU_SOURCE
#include <wchar.h>
#include <locale.h>
#include <pthread.h>
#include <fcntl.h>
#include <unistd.h>
#include <spawn.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include "taskq_support.h"

int taskq_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int taskq_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions; (void)path;
    return ENOSYS;
#endif
}

int taskq_child_exited_nowait(int pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -1;
    return info.si_pid == pid ? 1 : 0;
}

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void load_utf8_locale(void) {
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (utf8_locale == (locale_t)0) utf8_locale = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

int taskq_wcwidth(unsigned int scalar) {
    pthread_once(&utf8_once, load_utf8_locale);
    if (utf8_locale == (locale_t)0) return scalar < 0x7f ? 1 : -1;
    locale_t previous = uselocale(utf8_locale);
    int width = wcwidth((wchar_t)scalar);
    uselocale(previous);
    return width;
}

// Hidden terminal input (password prompts). The saved settings live in statics so a signal handler, which may
// call only async-signal-safe functions (tcsetattr, write, sigaction, raise), can put them back.
#include <signal.h>
#include <termios.h>

static struct termios taskq_saved_termios;
static int taskq_echo_fd = -1;
static volatile sig_atomic_t taskq_echo_is_off = 0;
static const int taskq_echo_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define TASKQ_ECHO_SIGNALS ((int)(sizeof(taskq_echo_signals) / sizeof(taskq_echo_signals[0])))
static struct sigaction taskq_echo_old_actions[TASKQ_ECHO_SIGNALS];

static void taskq_echo_on_signal(int sig) {
    if (taskq_echo_is_off) {
        tcsetattr(taskq_echo_fd, TCSAFLUSH, &taskq_saved_termios);
        taskq_echo_is_off = 0;
        ssize_t ignored = write(2, "\n", 1);
        (void)ignored;
    }
    // The default action (terminate; stop for SIGTSTP) with the usual status, once this handler returns.
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig);
}

int taskq_echo_off(int fd) {
    if (taskq_echo_is_off) return 0;
    if (tcgetattr(fd, &taskq_saved_termios) != 0) return -1;
    taskq_echo_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = taskq_echo_on_signal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < TASKQ_ECHO_SIGNALS; i++) sigaction(taskq_echo_signals[i], &action, &taskq_echo_old_actions[i]);
    struct termios hidden = taskq_saved_termios;
    hidden.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
    hidden.c_lflag |= ICANON;
    taskq_echo_is_off = 1;
    if (tcsetattr(fd, TCSAFLUSH, &hidden) != 0) {
        taskq_echo_restore();
        return -1;
    }
    return 0;
}

void taskq_echo_restore(void) {
    if (taskq_echo_is_off) {
        tcsetattr(taskq_echo_fd, TCSAFLUSH, &taskq_saved_termios);
        taskq_echo_is_off = 0;
    }
    for (int i = 0; i < TASKQ_ECHO_SIGNALS; i++) sigaction(taskq_echo_signals[i], &taskq_echo_old_actions[i], NULL);
}
