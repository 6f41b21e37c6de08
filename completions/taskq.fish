function __taskq_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __taskq_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __taskq_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __taskq_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __taskq_parse_tokens -S
    set -l unparsed_tokens (__taskq_tokens -pc)
    switch $unparsed_tokens[1]
    case 'taskq'
        __taskq_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'migrate'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'list' 'sql' 'version' 'h/help'
        case 'create-job'
            __taskq_parse_subcommand -r 2 'database-url=' 'config=' 'task=' 'args=' 'priority=' 'queue=' 'max-retries=' 'retry-delay=' 'backoff=' 'timeout=' 'unique-key=' 'force' 'schedule-at=' 'in=' 'from-file=' 'json' 'version' 'h/help'
        case 'list-jobs'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'state=+' 'queue=' 'task=' 'limit=' 'before-id=' 'version' 'h/help'
        case 'show-job'
            __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
        case 'logs'
            __taskq_parse_subcommand 1 'database-url=' 'config=' 'attempt=' 'stderr' 'follow' 'raw' 'version' 'h/help'
        case 'list-tasks'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'version' 'h/help'
        case 'cancel'
            __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
        case 'retry'
            __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'state=+' 'queue=' 'dry-run' 'again' 'version' 'h/help'
        case 'stats'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'watch' 'interval=' 'version' 'h/help'
        case 'workers'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'all' 'version' 'h/help'
        case 'queue'
            __taskq_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'version' 'h/help'
            case 'pause'
                __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
            case 'resume'
                __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
            end
        case 'run-worker'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'q/queue=+' 'c/concurrency=' 'burst' 'max-tasks=' 'lease=' 'poll-interval=' 'grace-period=' 'kill-grace=' 'output-cap=' 'worker-id=' 'log-level=' 'log-format=' 'version' 'h/help'
        case 'beat'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'once' 'json' 'log-level=' 'log-format=' 'version' 'h/help'
        case 'schedule'
            __taskq_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __taskq_parse_subcommand -r 2 'database-url=' 'config=' 'cron=' 'tz=' 'misfire=' 'job-name=' 'task=' 'args=' 'priority=' 'queue=' 'max-retries=' 'retry-delay=' 'backoff=' 'timeout=' 'unique-key=' 'force' 'json' 'version' 'h/help'
            case 'list'
                __taskq_parse_subcommand 0 'database-url=' 'config=' 'json' 'next=' 'version' 'h/help'
            case 'remove'
                __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
            case 'pause'
                __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
            case 'resume'
                __taskq_parse_subcommand 1 'database-url=' 'config=' 'json' 'version' 'h/help'
            end
        case 'purge'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'older-than=' 'state=+' 'batch-size=' 'dry-run' 'json' 'version' 'h/help'
        case 'rescue'
            __taskq_parse_subcommand 0 'database-url=' 'config=' 'dry-run' 'json' 'version' 'h/help'
        case 'help'
            __taskq_parse_subcommand -r 1 'version'
        end
    end
end

function __taskq_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __taskq_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __taskq_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __taskq_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__taskq_tokens -p)
    if test -z "$(__taskq_tokens -t)"
        set -l index (count (__taskq_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'taskq' -f
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'migrate' -d 'Create or upgrade the taskq schema (idempotent; safe to run concurrently).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'create-job' -d 'Enqueue a job and print its id.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'list-jobs' -d 'List jobs, newest first.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'show-job' -d 'Show one job with every attempt.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'logs' -d 'Print a job\'s output (a shell job\'s stdout or stderr, as stored).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'list-tasks' -d 'List the tasks jobs can name, with a one-line description each.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'cancel' -d 'Cancel a job.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'retry' -d 'Run a job again, or every failed job at once (--state failed).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'stats' -d 'Count jobs per queue and state; --watch for a live view.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'workers' -d 'List live workers (with --all also lost ones).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'queue' -d 'List queues; pause and resume them.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'run-worker' -d 'Run jobs: strict priority then FIFO, with retries, timeouts, leases and rescue.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'beat' -d 'Fire periodic schedules: continuously, or what is due now with --once (for a cron line).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'schedule' -d 'Add, list, pause, resume and remove periodic schedules (fired by `taskq beat`).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'purge' -d 'Delete finished jobs and their history, in batches.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'rescue' -d 'Return jobs whose lease expired (worker killed or lost) to the queue now.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" list' -l 'list' -d 'List applied and pending migrations without applying anything.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" sql' -l 'sql' -d 'Print the SQL that migrate applies (for teams that apply schema with their own tools); connects to nothing.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq migrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" task' -l 'task' -d 'Task to run (see list-tasks). Implied \'shell\' with a command after --.' -rfka '(__taskq_custom_completion ---completion create-job -- --task (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" args' -l 'args' -d 'Arguments as a JSON object.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" priority' -l 'priority' -d '0-10 (higher runs first) or low|normal|high|critical. Default 5.' -rfka 'low normal high critical'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" queue' -l 'queue' -d 'Queue name. Default \'default\'.' -rfka '(__taskq_custom_completion ---completion create-job -- --queue (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" max-retries' -l 'max-retries' -d 'Retries after the first attempt. Default 3.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" retry-delay' -l 'retry-delay' -d 'Base delay before a retry, e.g. 10s. Default 10s.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" backoff' -l 'backoff' -d 'Retry back-off: exponential (default, with jitter), fixed or linear.' -rfka 'exponential fixed linear'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" timeout' -l 'timeout' -d 'Hard time limit per attempt, e.g. 30s or 5m.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" unique-key' -l 'unique-key' -d 'If a live job has this key, return its id instead of enqueueing another.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" force' -l 'force' -d 'Accept a task name that neither this process nor any worker has announced.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" schedule-at' -l 'schedule-at' -d 'Run at this time: ISO 8601 (2026-12-01T09:30:00Z or +01:00; no offset means local time) or \'YYYY-MM-DD HH:MM:SS\' (local time).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" in' -l 'in' -d 'Run after this delay, e.g. 90s, 5m, 2h.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" from-file' -l 'from-file' -d 'Enqueue many jobs from JSON lines (- for stdin); prints one id per line.' -rfa '(set -l exts \'jsonl\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" json' -l 'json' -d 'Print the job as JSON (with --from-file: a JSON array of ids).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq create-job" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs"' -l 'state' -d 'Only jobs in this state (repeatable or comma-separated).' -rfka 'scheduled pending running retrying completed failed cancelled'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" queue' -l 'queue' -d 'Only jobs in this queue.' -rfka '(__taskq_custom_completion ---completion list-jobs -- --queue (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" task' -l 'task' -d 'Only jobs of this task.' -rfka '(__taskq_custom_completion ---completion list-jobs -- --task (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" limit' -l 'limit' -d 'At most this many jobs.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" before-id' -l 'before-id' -d 'Only jobs with an id below this (the next page).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-jobs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq show-job" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq show-job" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq show-job" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq show-job" -eq 1' -fka '(__taskq_custom_completion ---completion show-job -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq show-job" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq show-job" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq logs" -eq 1' -fka '(__taskq_custom_completion ---completion logs -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" attempt' -l 'attempt' -d 'Attempt to show (default the latest).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" stderr' -l 'stderr' -d 'Print stderr instead of stdout.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" follow' -l 'follow' -d 'Follow the running attempt until it ends; exit 0 when it completed, 1 otherwise.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" raw' -l 'raw' -d 'Print the bytes as stored, control characters included.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq logs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-tasks" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-tasks" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-tasks" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-tasks" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq list-tasks" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq cancel" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq cancel" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq cancel" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq cancel" -eq 1' -fka '(__taskq_custom_completion ---completion cancel -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq cancel" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq retry" -eq 1' -fka '(__taskq_custom_completion ---completion retry -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry"' -l 'state' -d 'Retry every job in this state: failed or cancelled (repeatable or comma list).' -rfka 'failed cancelled'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" queue' -l 'queue' -d 'With --state: only jobs in this queue.' -rfka '(__taskq_custom_completion ---completion retry -- --queue (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" dry-run' -l 'dry-run' -d 'With --state: list the jobs that would be retried; change nothing.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" again' -l 'again' -d 'Also run a completed job once more.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq retry" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" watch' -l 'watch' -d 'Keep redrawing until q, Ctrl-C or SIGTERM.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" interval' -l 'interval' -d 'Between snapshots with --watch (default 1s, at least 100ms).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq stats" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq workers" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq workers" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq workers" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq workers" all' -l 'all' -d 'Also list workers gone quiet (lost).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq workers" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq workers" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq queue" -eq 1' -fa 'list' -d 'List queues: jobs per state, paused or not, live workers reading each.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq queue" -eq 1' -fa 'pause' -d 'Stop every worker from taking jobs from a queue (it keeps accepting them).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq queue" -eq 1' -fa 'resume' -d 'Let workers take jobs from a paused queue again (waiting workers wake at once).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue list" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue list" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue list" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue list" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue pause" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue pause" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue pause" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq queue pause" -eq 1' -fka '(__taskq_custom_completion ---completion queue pause -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue pause" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue resume" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue resume" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue resume" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq queue resume" -eq 1' -fka '(__taskq_custom_completion ---completion queue resume -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue resume" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq queue resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker"' -l 'queue' -s 'q' -d 'Queue to take jobs from (repeatable). Default \'default\'.' -rfka '(__taskq_custom_completion ---completion run-worker -- --queue (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" c concurrency' -l 'concurrency' -s 'c' -d 'Jobs run at once. Default 10.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" burst' -l 'burst' -d 'Exit when no job is due.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" max-tasks' -l 'max-tasks' -d 'Exit after this many jobs.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" lease' -l 'lease' -d 'Lease per claim, renewed by heartbeats; an expired lease is rescued. Default 15s.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" poll-interval' -l 'poll-interval' -d 'Longest idle wait between looks for work. Default 1s.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" grace-period' -l 'grace-period' -d 'Time running jobs get to finish after SIGTERM/SIGINT. Default 30s.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" kill-grace' -l 'kill-grace' -d 'Between SIGTERM and SIGKILL for a stopped shell task. Default 5s.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" output-cap' -l 'output-cap' -d 'Output kept per attempt and stream (stdout, stderr) of shell jobs; past it the tail is kept. Default 1MiB.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" worker-id' -l 'worker-id' -d 'Worker id (default host:pid:random).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical. Default info.' -rfka 'trace debug info notice warning error critical'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" log-format' -l 'log-format' -d 'text or json (one JSON object per line).' -rfka 'text json'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq run-worker" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" once' -l 'once' -d 'Fire what is due now and exit; prints the jobs it enqueued.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" json' -l 'json' -d 'With --once: print what happened to each due schedule as JSON.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical. Default info.' -rfka 'trace debug info notice warning error critical'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" log-format' -l 'log-format' -d 'text or json (one JSON object per line).' -rfka 'text json'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq beat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule" -eq 1' -fa 'add' -d 'Store a schedule: a cron expression and the job it enqueues at each tick.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule" -eq 1' -fa 'list' -d 'List schedules with their last and next fire times.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule" -eq 1' -fa 'remove' -d 'Delete a stored schedule (jobs it already enqueued stay).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule" -eq 1' -fa 'pause' -d 'Stop a schedule from firing until it is resumed (works for taskq.toml schedules too).'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule" -eq 1' -fa 'resume' -d 'Let a paused schedule fire again; ticks missed while paused are skipped.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" cron' -l 'cron' -d 'When to fire: 5 cron fields, @hourly/@daily/@weekly/@monthly/@yearly or \'@every 10m\'.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" tz' -l 'tz' -d 'Time zone the cron fields are read in (IANA name, e.g. Europe/Berlin).' -rfka '(__taskq_custom_completion ---completion schedule add -- --tz (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" misfire' -l 'misfire' -d 'After downtime: fire-once (one fire for all missed ticks) or skip.' -rfka 'fire-once skip'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" job-name' -l 'job-name' -d 'Name (label) of the jobs it enqueues. Default: the schedule name.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" task' -l 'task' -d 'Task to run (see list-tasks). Implied \'shell\' with a command after --.' -rfka '(__taskq_custom_completion ---completion schedule add -- --task (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" args' -l 'args' -d 'Arguments as a JSON object.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" priority' -l 'priority' -d '0-10 (higher runs first) or low|normal|high|critical. Default 5.' -rfka 'low normal high critical'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" queue' -l 'queue' -d 'Queue name. Default \'default\'.' -rfka '(__taskq_custom_completion ---completion schedule add -- --queue (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" max-retries' -l 'max-retries' -d 'Retries after the first attempt. Default 3.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" retry-delay' -l 'retry-delay' -d 'Base delay before a retry, e.g. 10s. Default 10s.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" backoff' -l 'backoff' -d 'Retry back-off: exponential (default, with jitter), fixed or linear.' -rfka 'exponential fixed linear'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" timeout' -l 'timeout' -d 'Hard time limit per attempt, e.g. 30s or 5m.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" unique-key' -l 'unique-key' -d 'If a live job has this key, return its id instead of enqueueing another.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" force' -l 'force' -d 'Accept a task name that neither this process nor any worker has announced.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" json' -l 'json' -d 'Print the schedule as JSON.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule list" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule list" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule list" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule list" next' -l 'next' -d 'How many upcoming fire times to show.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule list" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule remove" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule remove" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule remove" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule remove" -eq 1' -fka '(__taskq_custom_completion ---completion schedule remove -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule remove" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule pause" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule pause" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule pause" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule pause" -eq 1' -fka '(__taskq_custom_completion ---completion schedule pause -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule pause" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule resume" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule resume" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule resume" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_positional "taskq schedule resume" -eq 1' -fka '(__taskq_custom_completion ---completion schedule resume -- positional@0 (count (__taskq_tokens -pc)) (__taskq_tokens -tC))'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule resume" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq schedule resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" older-than' -l 'older-than' -d 'Age of the finish time, e.g. 7d, 12h, 90m.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge"' -l 'state' -d 'Only these finished states (repeatable or comma list): completed, failed, cancelled.' -rfka 'completed failed cancelled'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" batch-size' -l 'batch-size' -d 'Jobs deleted per transaction.' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" dry-run' -l 'dry-run' -d 'Show what would be deleted; delete nothing.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq purge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq rescue" database-url' -l 'database-url' -d 'Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).' -rfka ''
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq rescue" config' -l 'config' -d 'Config file (default ./taskq.toml when present; env TASKQ_CONFIG).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq rescue" dry-run' -l 'dry-run' -d 'Show the jobs with expired leases; change nothing.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq rescue" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq rescue" version' -l 'version' -d 'Show the version.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq rescue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'taskq' -n '__taskq_should_offer_completions_for_flags_or_options "taskq help" version' -l 'version' -d 'Show the version.'
