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

void taskq_block_sigpipe_on_this_thread(void) {
    static __thread int blocked;
    if (blocked) return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    blocked = 1;
}

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

#ifdef __linux__
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

/* Everything between fork and exec below runs in a copy of a multi-threaded process: only async-signal-safe calls
 * (and raw syscalls), no malloc, no locks. */

static void write_errno(int fd, int err) {
    ssize_t ignored = write(fd, &err, sizeof err);
    (void)ignored;
}

/* Closes every descriptor from `first` up: the supervisor never execs, so close-on-exec does not protect the pipes
 * of other jobs spawned concurrently; holding their write ends would keep those pipes from reaching EOF. */
static void close_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0) return;
#endif
    struct rlimit limit;
    long max = (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) ? (long)limit.rlim_cur : 65536;
    if (max > 65536) max = 65536;
    for (long fd = first; fd < max; fd++) close((int)fd);
}

/* The supervisor: leads the job's process group, runs the job as its child and mirrors how it ended. When the
 * worker dies (PR_SET_PDEATHSIG, re-checked with getppid since the signal also fires when the thread that forked
 * exits, and every second as a backstop), it SIGKILLs the whole group, itself included. */
static void supervise(char *const argv[], char *const envp[], const char *cwd, int out_fd, int err_fd, int report_fd,
                      pid_t worker) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    if (getppid() != worker) { kill(0, SIGKILL); _exit(127); }

    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0) { write_errno(report_fd, errno); _exit(127); }
    /* Move the report pipe out of the way of 0-2 first, then set up the standard descriptors. */
    int report = fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
    if (report < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
        write_errno(report_fd, errno); _exit(127);
    }
    if (report != 3) {
        if (dup3(report, 3, O_CLOEXEC) < 0) { write_errno(report, errno); _exit(127); }
    }
    close_from(4);
    report = 3;

    pid_t job = fork();
    if (job < 0) { write_errno(report, errno); _exit(127); }
    if (job == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (cwd != NULL && chdir(cwd) != 0) { write_errno(report, errno); _exit(127); }
        execvpe(argv[0], argv, envp);
        write_errno(report, errno);
        _exit(127);
    }
    close(report);

    sigset_t all;
    sigfillset(&all);
    int status = 0;
    for (;;) {
        struct timespec second = {1, 0};
        (void)sigtimedwait(&all, NULL, &second);
        if (getppid() != worker) { kill(0, SIGKILL); _exit(137); }
        pid_t done = waitpid(job, &status, WNOHANG);
        if (done == job) break;
        if (done < 0 && errno != EINTR) _exit(127);
    }
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(sig, &dfl, NULL);
        sigset_t just;
        sigemptyset(&just);
        sigaddset(&just, sig);
        kill(getpid(), sig);
        sigprocmask(SIG_UNBLOCK, &just, NULL);
        _exit(128 + sig);
    }
    _exit(127);
}

int taskq_spawn_supervised(char *const argv[], char *const envp[], const char *cwd, int out_fd, int err_fd,
                           int *pid_out) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t worker = getpid();
    /* Block every signal across fork: the child must not run the worker's handlers before it has set up its own. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        supervise(argv, envp, cwd, out_fd, err_fd, report[1], worker);
        _exit(127);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) { close(report[0]); return fork_errno; }
    /* EOF once the job has exec'd (its copy closes on exec) and the supervisor closed its own; an errno otherwise. */
    int err = 0;
    ssize_t n;
    do { n = read(report[0], &err, sizeof err); } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof err && err != 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return err;
    }
    *pid_out = pid;
    return 0;
}
#endif
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
