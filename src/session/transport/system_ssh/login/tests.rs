use super::*;
#[test]
fn prompts_match_only_at_the_end_of_the_output() {
    let re = |p: &str| regex::bytes::Regex::new(p).unwrap();
    let pw = re(PASSWORD_PROMPT);
    assert!(pw.is_match(b"netops@10.0.0.1's password: "));
    assert!(pw.is_match(b"banner\r\n(netops@10.0.0.1) Password:"));
    assert!(pw.is_match(b"Password for netops@r1: "));
    assert!(!pw.is_match(b"Authorized use only. Password: never share it\r\n"));
    assert!(
        !pw.is_match(b"Password:\r\n"),
        "a banner line ending in a colon is not a prompt"
    );
    let hk = re(HOST_KEY_PROMPT);
    assert!(hk.is_match(b"Are you sure you want to continue connecting (yes/no/[fingerprint])? "));
    assert!(hk.is_match(b"Are you sure you want to continue connecting (yes/no)? "));
    let pp = re(PASSPHRASE_PROMPT);
    let c = pp
        .captures(b"Enter passphrase for key '/home/n/.ssh/id_rsa': ")
        .unwrap();
    assert_eq!(&c[1], b"/home/n/.ssh/id_rsa");
    assert!(re(USERNAME_PROMPT).is_match(b"Username: "));
    // One needle for all of them, classified afterwards.
    let any = re(any_prompt());
    for (text, want) in [
        (
            &b"x\r\nAre you sure you want to continue connecting (yes/no/[fingerprint])? "[..],
            Some(Prompt::HostKey),
        ),
        (
            b"\r\n\r(netops@10.0.0.1) Password: ",
            Some(Prompt::Password),
        ),
        (
            b"Enter passphrase for key '/k/id': ",
            Some(Prompt::Passphrase("/k/id".into())),
        ),
        (b"Username: ", Some(Prompt::Username)),
    ] {
        let m = any.find(text).unwrap_or_else(|| panic!("{text:?}"));
        assert_eq!(classify(m.as_bytes()), want, "{text:?}");
    }
    assert!(
        !any.is_match(b"ENTER PASSPHRASE FOR KEY 'x': "),
        "case-insensitivity stays inside its group"
    );
    assert!(!any.is_match(b"Authorized use only. Password: never share it\r\n"));
    let all = re(EVERYTHING);
    assert_eq!(all.find(b"a\r\n\xffb").unwrap().as_bytes(), b"a\r\n\xffb");
}
