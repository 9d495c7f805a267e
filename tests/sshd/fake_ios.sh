#!/bin/sh
# A small Cisco IOS CLI for tests/sshd.rs: sshd runs it as the test user's ForceCommand, in
# the pty the client asked for (so the pty echoes commands and turns \n into \r\n, like a
# router's vty). User mode `lab-rtr1>`, `enable` asks for the secret held in the file named by
# the first argument (default `lab-enable`), then `lab-rtr1#`. Knows `terminal length 0`, `show version`,
# `show crypto isakmp sa`, `exit`/`logout`; anything else gets IOS's invalid-input marker.

HOST=lab-rtr1
MODE='>'
SECRET=lab-enable
if [ -n "${1:-}" ] && [ -r "$1" ]; then
    SECRET=$(cat "$1")
fi
CR=$(printf '\r')

show_version() {
    cat <<EOF
Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.7(3)M5, RELEASE SOFTWARE (fc1)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2019 by Cisco Systems, Inc.
Compiled Wed 04-Sep-19 15:05 by prod_rel_team

ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)

$HOST uptime is 6 days, 23 hours, 2 minutes
System returned to ROM by reload at 09:12:07 UTC Mon Jun 2 2025
System restarted at 09:13:31 UTC Mon Jun 2 2025
System image file is "flash0:c1900-universalk9-mz.SPA.157-3.M5.bin"
Last reload type: Normal Reload
Last reload reason: Reload Command

This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.

Cisco CISCO1941/K9 (revision 1.0) with 487424K/36864K bytes of memory.
Processor board ID FGL2231X0ZK
2 Gigabit Ethernet interfaces
1 Virtual Private Network (VPN) Module
DRAM configuration is 64 bits wide with parity disabled.
255K bytes of non-volatile configuration memory.
250880K bytes of ATA System CompactFlash 0 (Read/Write)

Configuration register is 0x2102

EOF
}

show_isakmp() {
    cat <<EOF
IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
192.168.250.1   192.168.251.14  QM_IDLE           2041 ACTIVE
192.168.250.1   192.168.251.22  QM_IDLE           2038 ACTIVE
192.168.250.1   192.168.251.30  MM_NO_STATE       2035 ACTIVE

IPv6 Crypto ISAKMP SA

EOF
}

invalid() {
    # The caret sits under the first word after the prompt `lab-rtr1#`, as IOS does it.
    printf '         ^\n'
    printf "%% Invalid input detected at '^' marker.\n\n"
}

printf '\n\n*** %s: authorised access only ***\n\n' "$HOST"
while :; do
    printf '%s%s' "$HOST" "$MODE"
    IFS= read -r line || exit 0
    line=${line%"$CR"}
    # Collapse runs of blanks and trim, as the IOS parser does.
    set -f
    # shellcheck disable=SC2086
    set -- $line
    set +f
    cmd="$*"
    case "$cmd" in
        '') ;;
        enable)
            if [ "$MODE" = '>' ]; then
                printf 'Password: '
                stty -echo 2>/dev/null
                IFS= read -r pw || exit 0
                stty echo 2>/dev/null
                printf '\n'
                pw=${pw%"$CR"}
                if [ "$pw" = "$SECRET" ]; then
                    MODE='#'
                else
                    printf '%% Access denied\n\n'
                fi
            fi
            ;;
        'terminal length 0') ;;
        'show version') show_version ;;
        'show crypto isakmp sa') show_isakmp ;;
        exit | logout | quit) exit 0 ;;
        *) invalid ;;
    esac
done
