#!/bin/bash

__taskq_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__taskq_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__taskq_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__taskq_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_taskq() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __taskq_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    migrate|create-job|list-jobs|show-job|logs|list-tasks|cancel|retry|stats|workers|queue|run-worker|beat|schedule|purge|rescue|createsuperuser|changepassword|user|token|serve|help)
        # Offer subcommand argument completions
        "_taskq_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'migrate create-job list-jobs show-job logs list-tasks cancel retry stats workers queue run-worker beat schedule purge rescue createsuperuser changepassword user token serve help' -- "${cur}"))
        ;;
    esac
}

_taskq_migrate() {
    repeating_flags=()
    non_repeating_flags=(--json --list --sql --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_create-job() {
    repeating_flags=()
    non_repeating_flags=(--force --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --task --args --priority --queue --max-retries --retry-delay --backoff --timeout --unique-key --schedule-at --in --from-file --log-level --log-format)
    __taskq_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--task')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion create-job -- --task "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--args')
        return
        ;;
    '--priority')
        __taskq_add_completions -W 'low'$'\n''normal'$'\n''high'$'\n''critical'
        return
        ;;
    '--queue')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion create-job -- --queue "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--max-retries')
        return
        ;;
    '--retry-delay')
        return
        ;;
    '--backoff')
        __taskq_add_completions -W 'exponential'$'\n''fixed'$'\n''linear'
        return
        ;;
    '--timeout')
        return
        ;;
    '--unique-key')
        return
        ;;
    '--schedule-at')
        return
        ;;
    '--in')
        return
        ;;
    '--from-file')
        __taskq_add_completions -o plusdirs -fX '!*.@(jsonl|json)'
        return
        ;;
    '--log-level')
        __taskq_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __taskq_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_taskq_list-jobs() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(--state)
    non_repeating_options=(--database-url --config --queue --task --limit --before-id)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--state')
        __taskq_add_completions -W 'scheduled'$'\n''pending'$'\n''running'$'\n''retrying'$'\n''completed'$'\n''failed'$'\n''cancelled'
        return
        ;;
    '--queue')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion list-jobs -- --queue "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--task')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion list-jobs -- --task "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--limit')
        return
        ;;
    '--before-id')
        return
        ;;
    esac
}

_taskq_show-job() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion show-job -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_logs() {
    repeating_flags=()
    non_repeating_flags=(--stderr --follow --raw --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --attempt)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--attempt')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion logs -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_list-tasks() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion cancel -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_retry() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --again --version -h --help)
    repeating_options=(--state)
    non_repeating_options=(--database-url --config --queue)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--state')
        __taskq_add_completions -W 'failed'$'\n''cancelled'
        return
        ;;
    '--queue')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion retry -- --queue "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion retry -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_stats() {
    repeating_flags=()
    non_repeating_flags=(--json --watch --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --interval)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--interval')
        return
        ;;
    esac
}

_taskq_workers() {
    repeating_flags=()
    non_repeating_flags=(--json --all --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_queue() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __taskq_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|pause|resume)
        # Offer subcommand argument completions
        "_taskq_queue_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list pause resume' -- "${cur}"))
        ;;
    esac
}

_taskq_queue_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_queue_pause() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion queue pause -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_queue_resume() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion queue resume -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_run-worker() {
    repeating_flags=()
    non_repeating_flags=(--burst --version -h --help)
    repeating_options=(--queue -q)
    non_repeating_options=(--database-url --config --concurrency -c --max-tasks --prefetch --lease --poll-interval --grace-period --kill-grace --output-cap --worker-id --log-level --log-format)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--queue'|'-q')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion run-worker -- --queue "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--concurrency'|'-c')
        return
        ;;
    '--max-tasks')
        return
        ;;
    '--prefetch')
        return
        ;;
    '--lease')
        return
        ;;
    '--poll-interval')
        return
        ;;
    '--grace-period')
        return
        ;;
    '--kill-grace')
        return
        ;;
    '--output-cap')
        return
        ;;
    '--worker-id')
        return
        ;;
    '--log-level')
        __taskq_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __taskq_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_taskq_beat() {
    repeating_flags=()
    non_repeating_flags=(--once --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --log-level --log-format)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--log-level')
        __taskq_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __taskq_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_taskq_schedule() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __taskq_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|remove|pause|resume)
        # Offer subcommand argument completions
        "_taskq_schedule_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list remove pause resume' -- "${cur}"))
        ;;
    esac
}

_taskq_schedule_add() {
    repeating_flags=()
    non_repeating_flags=(--force --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --cron --tz --misfire --job-name --task --args --priority --queue --max-retries --retry-delay --backoff --timeout --unique-key)
    __taskq_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--cron')
        return
        ;;
    '--tz')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion schedule add -- --tz "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--misfire')
        __taskq_add_completions -W 'fire-once'$'\n''skip'
        return
        ;;
    '--job-name')
        return
        ;;
    '--task')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion schedule add -- --task "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--args')
        return
        ;;
    '--priority')
        __taskq_add_completions -W 'low'$'\n''normal'$'\n''high'$'\n''critical'
        return
        ;;
    '--queue')
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion schedule add -- --queue "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    '--max-retries')
        return
        ;;
    '--retry-delay')
        return
        ;;
    '--backoff')
        __taskq_add_completions -W 'exponential'$'\n''fixed'$'\n''linear'
        return
        ;;
    '--timeout')
        return
        ;;
    '--unique-key')
        return
        ;;
    esac
}

_taskq_schedule_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --next)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--next')
        return
        ;;
    esac
}

_taskq_schedule_remove() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion schedule remove -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_schedule_pause() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion schedule pause -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_schedule_resume() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __taskq_add_completions -W "$(__taskq_custom_complete ---completion schedule resume -- positional@0 "${COMP_CWORD}" "$(__taskq_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_taskq_purge() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --json --version -h --help)
    repeating_options=(--state)
    non_repeating_options=(--database-url --config --older-than --batch-size)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--older-than')
        return
        ;;
    '--state')
        __taskq_add_completions -W 'completed'$'\n''failed'$'\n''cancelled'
        return
        ;;
    '--batch-size')
        return
        ;;
    esac
}

_taskq_rescue() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_createsuperuser() {
    repeating_flags=()
    non_repeating_flags=(--json --noinput --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --username --email)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--username')
        return
        ;;
    '--email')
        return
        ;;
    esac
}

_taskq_changepassword() {
    repeating_flags=()
    non_repeating_flags=(--json --noinput --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_user() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __taskq_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|add|remove)
        # Offer subcommand argument completions
        "_taskq_user_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list add remove' -- "${cur}"))
        ;;
    esac
}

_taskq_user_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_user_add() {
    repeating_flags=()
    non_repeating_flags=(--json --noinput --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --role --email)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--role')
        __taskq_add_completions -W 'admin'$'\n''viewer'
        return
        ;;
    '--email')
        return
        ;;
    esac
}

_taskq_user_remove() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_token() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __taskq_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|revoke)
        # Offer subcommand argument completions
        "_taskq_token_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list revoke' -- "${cur}"))
        ;;
    esac
}

_taskq_token_create() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --user --name --expires)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--user')
        return
        ;;
    '--name')
        return
        ;;
    '--expires')
        return
        ;;
    esac
}

_taskq_token_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --user)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--user')
        return
        ;;
    esac
}

_taskq_token_revoke() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config)
    __taskq_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    esac
}

_taskq_serve() {
    repeating_flags=()
    non_repeating_flags=(--public-metrics --version -h --help)
    repeating_options=()
    non_repeating_options=(--database-url --config --bind --secure-cookies --max-body --shutdown-grace --idle-timeout --read-timeout --log-level --log-format)
    __taskq_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--database-url')
        return
        ;;
    '--config')
        __taskq_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '--bind')
        return
        ;;
    '--secure-cookies')
        __taskq_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--max-body')
        return
        ;;
    '--shutdown-grace')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--read-timeout')
        return
        ;;
    '--log-level')
        __taskq_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __taskq_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_taskq_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __taskq_offer_flags_options -1
}

complete -o filenames -F _taskq taskq
