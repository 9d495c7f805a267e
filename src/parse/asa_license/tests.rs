use super::*;

const PAK: &str = "ciscoasa# show license all\n\
Serial Number: JMX0938K0C0\n\
Running Permanent Activation Key: 0xce06dc6b 0x8a7b5ab7 0xa1e21dd4 0xd2c4b8b8 0xc4594f9c \n\
Running Timebased Activation Key: 0xa821d549 0x35725fe4 0xc918b97b 0xce0b987b 0x47c7c285 \n\n\
Licensed features for this platform:\n\
 Maximum Physical Interfaces       : Unlimited      perpetual\n\
 Failover                          : Active/Active  perpetual\n\
 Security Contexts                 : 10             perpetual\n\
 AnyConnect Premium Peers          : 2              perpetual\n\
 Other VPN Peers                   : 750            perpetual\n\
 Total VPN Peers                   : 750            perpetual\n\
 Shared License                    : Enabled        perpetual\n\
  Shared AnyConnect Premium Peers : 12000          perpetual\n\
 UC Phone Proxy Sessions           : 12             62 days\n\
This platform has a Base license.\n\
The flash permanent activation key is the SAME as the running permanent key.\n\
Active Timebased Activation Key:\n\
0xa821d549 0x35725fe4 0xc918b97b 0xce0b987b 0x47c7c285\n\
Botnet Traffic Filter        : Enabled    646 days\n\n\
Failover cluster licensed features for this platform:\n\
AnyConnect Premium Peers          : 4              perpetual\n\
Other VPN Peers                   : 750            perpetual\n\n\
This platform has an ASA5555 VPN Premium license.\n\
ciscoasa#\n";

#[test]
fn activation_key_format() {
    let l = parse_asa_license(PAK).unwrap();
    assert_eq!(l.serial.as_deref(), Some("JMX0938K0C0"));
    assert!(l
        .running_permanent_key
        .as_deref()
        .unwrap()
        .ends_with("0xc4594f9c"));
    assert!(l.running_timebased_key.is_some());
    assert_eq!(l.platform_license.as_deref(), Some("Base"));
    assert_eq!(l.features.len(), 9);
    let f = l.feature("anyconnect  premium peers").unwrap();
    assert_eq!((f.value.as_str(), f.count()), ("2", Some(2)));
    assert_eq!(f.duration.as_deref(), Some("perpetual"));
    assert_eq!(
        l.feature_value("Failover").as_deref(),
        Some("Active/Active")
    );
    assert_eq!(
        l.feature("Maximum Physical Interfaces").unwrap().count(),
        None
    );
    let uc = l.feature("UC Phone Proxy Sessions").unwrap();
    assert_eq!(uc.duration.as_deref(), Some("62 days"));
    assert_eq!(
        l.feature_value("Shared AnyConnect Premium Peers")
            .as_deref(),
        Some("12000")
    );
    assert_eq!(l.timebased_features.len(), 1);
    assert_eq!(l.timebased_features[0].value, "Enabled");
    assert_eq!(l.failover_features.len(), 2);
    assert_eq!(l.failover_features[0].value, "4");
    assert!(l.smart.is_none());
}

#[test]
fn features_without_duration_column() {
    let l = parse_asa_license(
        "Licensed features for this user context:\nFailover                          : Active/Active  \n\
Other VPN Peers                   : 500            \n",
    )
    .unwrap();
    assert_eq!(l.features.len(), 2);
    assert_eq!(l.features[1].value, "500");
    assert_eq!(l.features[1].duration, None);
}

const SMART: &str = "\nSmart Licensing Status\n======================\n\n\
Smart Licensing is ENABLED\n\nRegistration:\n  Status: REGISTERED\n  Smart Account: COMPANY LLC\n\
  Virtual Account: Company LLC\n  Export-Controlled Functionality: Allowed\n\
  Initial Registration: SUCCEEDED on Dec 03 16:43:48 2018 UTC\n\
  Last Renewal Attempt: FAILED on Dec 03 18:40:22 2018 UTC\n\
    Failure reason: Communication message send error\n\
  Next Renewal Attempt: Dec 03 18:56:01 2018 UTC\n\
  Registration Expires: Dec 03 16:37:44 2019 UTC\n\nLicense Authorization: \n\
  Status: AUTHORIZED on Dec 03 18:40:28 2018 UTC\n\
  Last Communication Attempt: SUCCESS on Dec 03 18:40:28 2018 UTC\n\
  Next Communication Attempt: Dec 03 18:40:57 2018 UTC\n\
  Communication Deadline: Mar 03 16:37:55 2019 UTC\n\nData Privacy:\n  Sending Hostname: yes\n\
    Callhome hostname privacy: DISABLED\n\nTransport:\n  Type: Callhome\n\n\
License Usage\n==============\n\nASAv5 Standard - 100M (ASAv-STD-100M):\n\
  Description: ASAv5 Standard - 100M\n  Count: 1\n  Version: 1.0\n  Status: AUTHORIZED\n\
  Export status: NOT RESTRICTED\n\n\
Product Information\n===================\nUDI: PID:ASAv,SN:9A6PGB43PJC\n\n\
Agent Version\n=============\nSmart Agent for Licensing: 1.6.14_rel/129\n\n\
Reservation Info\n================\nLicense reservation: DISABLED\n";

#[test]
fn smart_licensing_format() {
    let l = parse_asa_license(SMART).unwrap();
    assert_eq!(l.serial.as_deref(), Some("9A6PGB43PJC"));
    assert_eq!(l.pid.as_deref(), Some("ASAv"));
    let s = l.smart.unwrap();
    assert_eq!(s.state.as_deref(), Some("ENABLED"));
    assert_eq!(s.registration_status.as_deref(), Some("REGISTERED"));
    assert_eq!(s.smart_account.as_deref(), Some("COMPANY LLC"));
    assert_eq!(s.export_controlled.as_deref(), Some("Allowed"));
    let init = s.initial_registration.unwrap();
    assert_eq!(init.status, "SUCCEEDED");
    assert_eq!(init.at.as_deref(), Some("Dec 03 16:43:48 2018 UTC"));
    let ren = s.last_renewal.unwrap();
    assert_eq!(ren.status, "FAILED");
    assert_eq!(
        ren.failure_reason.as_deref(),
        Some("Communication message send error")
    );
    assert_eq!(s.authorization.unwrap().status, "AUTHORIZED");
    assert_eq!(s.last_communication.unwrap().status, "SUCCESS");
    assert_eq!(
        s.communication_deadline.as_deref(),
        Some("Mar 03 16:37:55 2019 UTC")
    );
    assert_eq!(
        s.data_privacy
            .get("Callhome hostname privacy")
            .map(String::as_str),
        Some("DISABLED")
    );
    assert_eq!(s.transport_type.as_deref(), Some("Callhome"));
    assert_eq!(s.entitlements.len(), 1);
    let e = &s.entitlements[0];
    assert_eq!(e.name.as_deref(), Some("ASAv5 Standard - 100M"));
    assert_eq!(e.tag, "ASAv-STD-100M");
    assert_eq!(e.count, Some(1));
    assert_eq!(e.status.as_deref(), Some("AUTHORIZED"));
    assert_eq!(e.export_status.as_deref(), Some("NOT RESTRICTED"));
    assert_eq!(s.agent_version.as_deref(), Some("1.6.14_rel/129"));
    assert_eq!(s.reservation.as_deref(), Some("DISABLED"));
}

#[test]
fn smart_eval_mode_and_unnamed_entitlement() {
    let l = parse_asa_license(
        "Smart Licensing is ENABLED\n\nRegistration:\n  Status: UNREGISTERED\n\nLicense Authorization: \n\
  Status: EVAL MODE\n  Evaluation Period Remaining: 89 days, 1 hours\n\nLicense Usage\n==============\n\n\
(ASAv-STD-100M):\n  Description: \n  Count: 1\n  Status: EVAL MODE\n",
    )
    .unwrap();
    let s = l.smart.unwrap();
    let a = s.authorization.unwrap();
    assert_eq!((a.status.as_str(), a.at), ("EVAL MODE", None));
    assert_eq!(s.eval_remaining.as_deref(), Some("89 days, 1 hours"));
    assert_eq!(s.entitlements[0].name, None);
    assert_eq!(s.entitlements[0].description, None);
    assert_eq!(s.entitlements[0].tag, "ASAv-STD-100M");
}

#[test]
fn errors() {
    assert_eq!(parse_asa_license("").unwrap_err().line, 0);
    assert_eq!(parse_asa_license("\n\nfoo bar\n").unwrap_err().line, 3);
    let e =
        parse_asa_license("fw# show license al\nERROR: % Invalid input detected at '^' marker.\n")
            .unwrap_err();
    assert_eq!(e.line, 2);
    for s in [PAK, SMART] {
        for i in 0..s.len() {
            let _ = parse_asa_license(s.get(..i).unwrap_or(""));
        }
    }
}
