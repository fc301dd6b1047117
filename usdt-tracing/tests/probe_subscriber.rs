//! `ProbeSubscriber` changes nothing of what the subscriber it wraps does: a profile
//! layer inside it counts every span, layers on top of it find the registry through it
//! (a closing span's data stays readable while they see it close), and spans look up
//! through it as through the registry. No tracer is attached here: bpftrace reads its
//! probes in `tracers.rs`.

use std::sync::atomic::{AtomicU64, Ordering};

use tracing::{info, info_span, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::{LookupSpan, Registry};
use usdt_tracing::{Metric, ProbeLayer, ProbeSubscriber, ProfileLayer};

/// Spans a layer saw close with their data still in the registry, and without.
static CLOSED_WITH_DATA: AtomicU64 = AtomicU64::new(0);
static CLOSED_WITHOUT: AtomicU64 = AtomicU64::new(0);

/// Looks up every closing span, as layers that report spans on close do.
struct OnClose;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for OnClose {
    fn on_close(&self, id: tracing::span::Id, ctx: Context<'_, S>) {
        match ctx.span(&id) {
            Some(span) if span.name() == "looked_up" => &CLOSED_WITH_DATA,
            _ => &CLOSED_WITHOUT,
        }
        .fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn a_profile_inside_and_a_layer_on_top_see_every_span() {
    // The one profiler of this process, inside; the probe layer beside it, as the two
    // can be together.
    let (profile, profiler) = ProfileLayer::builder().wall(true).build().unwrap();
    let inside = ProbeSubscriber::new(tracing_subscriber::registry().with(profile));
    tracing::subscriber::with_default(inside, || {
        for _ in 0..10 {
            info_span!("outer").in_scope(|| {
                info_span!("inner").in_scope(|| info!("an event"));
            });
        }
    });
    let profile = profiler.finish().unwrap();
    assert_eq!(profile.value(&["outer"], Metric::Spans), Some(10));
    assert_eq!(profile.value(&["outer", "inner"], Metric::Spans), Some(10));

    // A layer on top, and the probe layer too: each span's data is there when they see it
    // close, and the registry is found through the wrapper.
    let on_top = ProbeSubscriber::new(tracing_subscriber::registry())
        .with(ProbeLayer::new())
        .with(OnClose);
    assert!(
        (&on_top as &dyn Subscriber)
            .downcast_ref::<Registry>()
            .is_some(),
        "the registry found through ProbeSubscriber"
    );
    assert!(on_top.span_data(&tracing::span::Id::from_u64(1)).is_none());
    tracing::subscriber::with_default(on_top, || {
        for _ in 0..10 {
            let span = info_span!("looked_up");
            let current = span.in_scope(|| tracing::Span::current().id());
            assert_eq!(current, span.id(), "the entered span is current");
        }
    });
    assert_eq!(CLOSED_WITH_DATA.load(Ordering::Relaxed), 10);
    assert_eq!(CLOSED_WITHOUT.load(Ordering::Relaxed), 0);
}
