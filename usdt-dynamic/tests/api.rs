//! The API's rules, without a tracer: every misuse is a typed error, nothing panics, and
//! providers load, unload and reload (on every target: elsewhere they load as no-ops).

use usdt_dynamic::{ArgType, Error, Provider, Str, Value};

#[test]
fn names_tracers_cannot_address_are_refused() {
    for bad in ["", "1abc", "a-b", "a b", "é", "a:b", &"x".repeat(200)] {
        assert!(
            matches!(
                Provider::new(bad),
                Err(Error::InvalidName {
                    what: "provider",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    let mut p = Provider::new("ok_name").unwrap();
    for bad in ["", "9", "no-dash", "two words", &"y".repeat(200)] {
        assert!(
            matches!(
                p.add_probe(bad, &[]),
                Err(Error::InvalidName { what: "probe", .. })
            ),
            "{bad:?}"
        );
    }
    assert!(p.add_probe("query__start", &[]).is_ok());
    assert!(p.set_object_name("a/b").is_err());
}

#[test]
fn duplicates_and_too_many_arguments_are_refused() {
    let mut p = Provider::new("limits").unwrap();
    p.add_probe("once", &[ArgType::U8]).unwrap();
    assert!(matches!(
        p.add_probe("once", &[]),
        Err(Error::DuplicateProbe { .. })
    ));
    // 12 on every target: the DTrace backend passes those beyond the argument registers
    // on the stack, as static probes do.
    assert!(p.add_probe("twelve", &[ArgType::U64; 12]).is_ok());
    let thirteen = [ArgType::U64; 13];
    let error = p.add_probe("many", &thirteen).unwrap_err();
    assert_eq!(
        error.to_string(),
        "probe \"many\" has 13 arguments; a probe takes at most 12"
    );
    assert!(matches!(
        error,
        Error::TooManyArguments {
            count: 13,
            max: 12,
            ..
        }
    ));
}

#[test]
fn probes_of_an_unloaded_provider_are_errors() {
    let mut p = Provider::new("unloaded").unwrap();
    p.add::<(u64,)>("tick").unwrap();
    assert!(matches!(
        p.probe::<(u64,)>("tick"),
        Err(Error::NotLoaded { .. })
    ));
    assert!(matches!(p.dyn_probe("tick"), Err(Error::NotLoaded { .. })));
    p.load().unwrap();
    assert!(matches!(p.load(), Err(Error::AlreadyLoaded { .. })));
    let tick = p.dyn_probe("tick").unwrap();
    let typed = p.probe::<(u64,)>("tick").unwrap();
    assert!(typed.is_loaded());
    p.unload().unwrap();
    assert!(matches!(
        tick.fire(&[Value::UInt(1)]),
        Err(Error::Unloaded { .. })
    ));
    // The handles still hold the object: firing them is harmless, and never reaches a
    // tracer.
    assert!(!typed.is_loaded());
    assert!(!typed.is_enabled());
    typed.fire((1,));
    assert!(matches!(
        p.probe::<(u64,)>("tick"),
        Err(Error::NotLoaded { .. })
    ));
}

#[test]
fn typed_handles_must_match_the_declared_types() {
    let mut p = Provider::new("typed").unwrap();
    p.add::<(u64, Str)>("request").unwrap();
    p.load().unwrap();
    assert!(p.probe::<(u64, Str)>("request").is_ok());
    let err = p.probe::<(u32, Str)>("request").unwrap_err();
    assert!(matches!(err, Error::WrongSignature { .. }));
    assert_eq!(
        err.to_string(),
        "probe \"request\" takes (uint64_t, char *), not (uint32_t, char *)"
    );
    assert!(matches!(
        p.probe::<()>("missing"),
        Err(Error::NoSuchProbe { .. })
    ));
}

#[test]
fn dynamic_fires_are_checked() {
    let mut p = Provider::new("checked").unwrap();
    p.add_probe("p", &[ArgType::U8, ArgType::Str]).unwrap();
    p.load().unwrap();
    let probe = p.dyn_probe("p").unwrap();
    assert!(probe.fire(&[1u8.into(), "s".into()]).is_ok());
    assert!(probe.fire(&[Value::Int(255), Value::CStr(c"s")]).is_ok());
    assert!(matches!(
        probe.fire(&[1u8.into()]),
        Err(Error::WrongArgumentCount {
            expected: 2,
            given: 1,
            ..
        })
    ));
    assert!(matches!(
        probe.fire(&[Value::Int(256), "s".into()]),
        Err(Error::WrongArgument { index: 0, .. })
    ));
    assert!(matches!(
        probe.fire(&[Value::Int(-1), "s".into()]),
        Err(Error::WrongArgument { index: 0, .. })
    ));
    assert!(matches!(
        probe.fire(&[1u8.into(), 2u8.into()]),
        Err(Error::WrongArgument {
            index: 1,
            expected: ArgType::Str,
            ..
        })
    ));
}

#[test]
fn providers_reload_with_a_new_probe_set_and_coexist() {
    let mut a = Provider::new("first").unwrap();
    a.add::<(u32,)>("one").unwrap();
    a.load().unwrap();
    let mut b = Provider::new("first").unwrap();
    b.add::<()>("one").unwrap();
    b.load().unwrap();
    let mut c = Provider::new("second").unwrap();
    c.load().unwrap();
    a.unload().unwrap();
    assert!(a.remove_probe("one"));
    a.add::<(Str,)>("two").unwrap();
    a.load().unwrap();
    assert!(a.probe::<(Str,)>("two").is_ok());
    assert!(matches!(
        a.probe::<(u32,)>("one"),
        Err(Error::NoSuchProbe { .. })
    ));
    assert_eq!(a.probes().map(|(n, _)| n).collect::<Vec<_>>(), ["two"]);
    let untraced = b.probe::<()>("one").unwrap();
    assert!(!untraced.is_enabled());
    untraced.fire(());
}

#[test]
fn many_loads_leave_nothing_behind() {
    for _ in 0..200 {
        let mut p = Provider::new("churn").unwrap();
        p.add::<(u64,)>("x").unwrap();
        p.load().unwrap();
        let x = p.probe::<(u64,)>("x").unwrap();
        x.fire((1,));
        drop(p);
        x.fire((2,));
    }
    #[cfg(target_os = "linux")]
    {
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        assert!(!maps.contains("churn"), "{maps}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_backing_is_removed_on_unload() {
    use usdt_dynamic::Backing;
    let dir = std::env::temp_dir().join(format!("usdt-dynamic-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut p = Provider::new("filed").unwrap();
    p.add::<()>("x").unwrap();
    p.set_backing(Backing::FileIn(dir.clone()));
    p.load().unwrap();
    let path = p.object_path().unwrap().to_owned();
    assert!(path.starts_with(&dir.display().to_string()), "{path}");
    assert!(std::path::Path::new(&path).exists());
    p.unload().unwrap();
    assert!(!std::path::Path::new(&path).exists());
    let _ = std::fs::remove_dir(&dir);
    p.set_backing(Backing::FileIn("/nonexistent/dir".into()));
    assert!(matches!(p.load(), Err(Error::System { .. })));
}
