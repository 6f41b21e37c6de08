#ifndef TASKQ_SUPPORT_H
#define TASKQ_SUPPORT_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec, atomically (no race with concurrent spawns).
int taskq_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29): the child changes directory before exec.
int taskq_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// 1 when the child has exited, without reaping it (waitid WNOWAIT): its process group id stays reserved, so the
/// group can still be signalled safely. 0 while it runs, -1 on error.
int taskq_child_exited_nowait(int pid);

/// Terminal columns of one Unicode scalar under a UTF-8 locale (wcwidth, set up once): 2 for East Asian wide
/// characters and emoji, 0 for combining marks, -1 for unprintable ones.
int taskq_wcwidth(unsigned int scalar);

/// Linux: starts `argv` (searched in PATH, like posix_spawnp) under a small supervisor forked from this process.
/// The supervisor leads a new process group (its pid is the group id), runs the job in it with stdin /dev/null,
/// stdout `out_fd`, stderr `err_fd`, default signal dispositions and an empty mask, and exits the way the job exited
/// (same code, or re-raising the same signal). Signals sent to the group reach the job; the supervisor ignores them
/// (only SIGKILL stops it). When this process dies, even by SIGKILL, the supervisor SIGKILLs the whole group
/// (PR_SET_PDEATHSIG). Returns 0 with the supervisor's pid in `pid_out`, or the errno of what failed (fork, chdir to
/// `cwd`, exec: ENOENT, EACCES …); on failure nothing is left running.
int taskq_spawn_supervised(char *const argv[], char *const envp[], const char *cwd, int out_fd, int err_fd,
                           int *pid_out);
/// Blocks SIGPIPE on the calling thread (once per thread; later calls cost a thread-local read): a write to a
/// socket the server closed (hiredis writes with write(), not send(MSG_NOSIGNAL)) then fails with EPIPE instead
/// of killing the process. The signal stays pending on that thread, which never unblocks it.
void taskq_block_sigpipe_on_this_thread(void);

/// Turns echo off on the terminal `fd` (canonical line input stays on) and installs handlers for SIGINT, SIGTERM,
/// SIGHUP, SIGQUIT and SIGTSTP that put the saved settings back before the signal's default action. 0, or -1 when
/// `fd` is not a terminal (nothing changed).
int taskq_echo_off(int fd);

/// Restores the terminal settings and signal handlers `taskq_echo_off` saved; harmless when echo is on.
void taskq_echo_restore(void);

#endif
