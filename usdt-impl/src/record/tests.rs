use super::*;
use proptest::prelude::*;

/// A record as the probe-site macro lays it out.
fn record(kind: u8, address: u64, provider: &str, probe: &str, args: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    for s in [provider, probe].iter().chain(args) {
        body.extend_from_slice(s.as_bytes());
        body.push(0);
    }
    let len = (RECORD_HEADER_LEN + body.len()).next_multiple_of(RECORD_ALIGN);
    let mut out = vec![RECORD_VERSION, kind, args.len() as u8, 0];
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(&address.to_le_bytes());
    out.extend_from_slice(&body);
    out.resize(len, 0);
    out
}

#[test]
fn reads_probe_and_is_enabled_records() {
    let mut bytes = record(1, 0x1000, "test", "start", &[]);
    bytes.extend(record(0, 0x1010, "test", "stop", &["char *", "uint8_t"]));
    let sites = parse_records(&bytes).unwrap();
    assert_eq!(
        sites,
        vec![
            SiteRecord {
                kind: SiteKind::IsEnabled,
                provider: "test".into(),
                probe: "start".into(),
                args: vec![],
                address: 0x1000,
            },
            SiteRecord {
                kind: SiteKind::Probe,
                provider: "test".into(),
                probe: "stop".into(),
                args: vec!["char *".into(), "uint8_t".into()],
                address: 0x1010,
            },
        ]
    );
}

#[test]
fn empty_section_and_padding_words_hold_no_sites() {
    assert_eq!(parse_records(&[]).unwrap(), vec![]);
    assert_eq!(parse_records(&[0; 24]).unwrap(), vec![]);
    let mut bytes = vec![0; 8];
    bytes.extend(record(0, 8, "p", "q", &["int"]));
    bytes.extend([0; 8]);
    assert_eq!(parse_records(&bytes).unwrap().len(), 1);
}

#[test]
fn unknown_version_is_an_error() {
    let mut bytes = vec![0; 8];
    bytes.extend(record(0, 8, "p", "q", &[]));
    bytes[8] = 2;
    assert_eq!(
        parse_records(&bytes),
        Err(RecordError::UnknownVersion {
            offset: 8,
            version: 2
        })
    );
}

#[test]
fn malformed_records_are_typed_errors() {
    let good = record(0, 8, "prov", "probe", &["int"]);
    let mut bad_kind = good.clone();
    bad_kind[1] = 7;
    assert!(matches!(
        parse_records(&bad_kind),
        Err(RecordError::BadKind { kind: 7, .. })
    ));

    let mut bad_len = good.clone();
    bad_len[4] = 12;
    assert!(matches!(
        parse_records(&bad_len),
        Err(RecordError::BadLength { .. })
    ));

    assert!(matches!(
        parse_records(&good[..good.len() - 8]),
        Err(RecordError::Truncated { offset: 0 })
    ));

    let mut too_many_args = good.clone();
    too_many_args[2] = 5;
    assert!(matches!(
        parse_records(&too_many_args),
        Err(RecordError::UnterminatedString { .. })
    ));

    let mut not_utf8 = good.clone();
    not_utf8[16] = 0xff;
    assert!(matches!(
        parse_records(&not_utf8),
        Err(RecordError::NotUtf8 { offset: 16 })
    ));

    let empty = record(0, 8, "", "probe", &[]);
    assert!(matches!(
        parse_records(&empty),
        Err(RecordError::EmptyName { .. })
    ));

    let enabled_with_args = record(1, 8, "p", "q", &["int"]);
    assert!(matches!(
        parse_records(&enabled_with_args),
        Err(RecordError::IsEnabledWithArguments { .. })
    ));

    let mut dirty_padding = record(0, 8, "p", "q", &[]);
    let last = dirty_padding.len() - 1;
    dirty_padding[last] = 1;
    assert!(matches!(
        parse_records(&dirty_padding),
        Err(RecordError::BadPadding { .. })
    ));

    let mut dirty_word = vec![0, 0, 3, 0, 0, 0, 0, 0];
    dirty_word.extend(good);
    assert!(matches!(
        parse_records(&dirty_word),
        Err(RecordError::BadPadding { offset: 0 })
    ));
}

fn arb_record() -> impl Strategy<Value = Vec<u8>> {
    (
        0u8..2,
        any::<u64>(),
        "[a-z]{1,12}",
        "[a-z-]{1,20}",
        proptest::collection::vec("[a-z_ *]{1,16}", 0..4),
    )
        .prop_map(|(kind, address, provider, probe, args)| {
            let args: Vec<&str> = if kind == 1 {
                vec![]
            } else {
                args.iter().map(String::as_str).collect()
            };
            record(kind, address, &provider, &probe, &args)
        })
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_records(&bytes);
    }

    #[test]
    fn well_formed_sections_round_trip(records in proptest::collection::vec(arb_record(), 0..8)) {
        let bytes: Vec<u8> = records.concat();
        let sites = parse_records(&bytes).unwrap();
        prop_assert_eq!(sites.len(), records.len());
    }

    #[test]
    fn truncated_and_mutated_sections_are_errors_not_panics(
        records in proptest::collection::vec(arb_record(), 1..6),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let bytes: Vec<u8> = records.concat();
        let cut = cut.index(bytes.len());
        let _ = parse_records(&bytes[..cut]);
        let mut mutated = bytes.clone();
        let at = flip.index(mutated.len());
        mutated[at] = value;
        let _ = parse_records(&mutated);
        // A cut inside the last record can never read as complete.
        let last_start = bytes.len() - records.last().map_or(0, Vec::len);
        if cut > last_start && cut < bytes.len() {
            prop_assert!(parse_records(&bytes[..cut]).is_err());
        }
    }
}
