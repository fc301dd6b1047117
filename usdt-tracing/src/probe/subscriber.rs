//! [`ProbeSubscriber`]: the probes around a subscriber, the enter and exit gates tested
//! before it.

use std::any::TypeId;

use tracing_core::span::{Attributes, Current, Id, Record};
use tracing_core::subscriber::Interest;
use tracing_core::{Dispatch, Event, LevelFilter, Metadata, Subscriber};
use tracing_subscriber::filter::FilterId;
use tracing_subscriber::layer::{Layer, Layered};
use tracing_subscriber::registry::LookupSpan;

use super::args::name_in;
use super::layer::SpanProbes;
use super::{tracing_span__enter, tracing_span__exit};

/// A [`Subscriber`] that fires the probes of [`ProbeLayer`](crate::ProbeLayer), with the
/// same arguments, around the subscriber it wraps: the registry, or the registry with
/// layers of its own.
///
/// ```
/// use tracing_subscriber::prelude::*;
/// use usdt_tracing::{Metric, ProbeSubscriber, ProfileLayer};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (profile, profiler) = ProfileLayer::builder().wall(true).build()?;
/// ProbeSubscriber::new(tracing_subscriber::registry().with(profile)).init();
///
/// tracing::info_span!("request").in_scope(|| tracing::info!("hello"));
/// let profile = profiler.finish()?;
/// assert_eq!(profile.value(&["request"], Metric::Spans), Some(1));
/// # Ok(())
/// # }
/// ```
///
/// It differs from the layer in where the gates of `span__enter` and `span__exit` are: a
/// layer acts after the subscriber it is layered onto, so `registry().with(ProbeLayer::new())`
/// calls the registry and then tests the gate; `ProbeSubscriber` tests the gate first
/// and, untraced, jumps to the subscriber it wraps, as a dispatcher jumps to the registry
/// alone. Entering and exiting a span then costs a compare and a branch more than with
/// the wrapped subscriber alone (see the [crate docs](crate#cost)). The other probes,
/// which need the wrapped subscriber's results, are fired as
/// [`ProbeLayer`](crate::ProbeLayer) fires them, and cost what they cost there.
///
/// While a tracer has `span__enter` or `span__exit` enabled, the span is entered (or
/// exited) first and then the probe fires, as with the layer.
///
/// It is a [`LookupSpan`] as the subscriber it wraps is, so layers that need the
/// registry can also be put on top of it (`ProbeSubscriber::new(registry()).with(layer)`),
/// though such a layer then costs what any layer costs.
#[derive(Debug)]
pub struct ProbeSubscriber<S> {
    /// The wrapped subscriber, with the probes other than enter and exit as a layer.
    inner: Layered<SpanProbes, S>,
}

impl<S> ProbeSubscriber<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    /// `inner`, with the `tracing` provider's probes fired around it.
    pub fn new(inner: S) -> Self {
        ProbeSubscriber {
            inner: SpanProbes::default().with_subscriber(inner),
        }
    }
}

impl<S> Default for ProbeSubscriber<S>
where
    S: Subscriber + for<'a> LookupSpan<'a> + Default,
{
    fn default() -> Self {
        Self::new(S::default())
    }
}

impl<S> Subscriber for ProbeSubscriber<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        self.inner.on_register_dispatch(subscriber);
    }

    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        self.inner.register_callsite(metadata)
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.inner.enabled(metadata)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.inner.max_level_hint()
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.inner.new_span(span)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        self.inner.record(span, values);
    }

    fn record_follows_from(&self, span: &Id, follows: &Id) {
        self.inner.record_follows_from(span, follows);
    }

    fn event_enabled(&self, event: &Event<'_>) -> bool {
        self.inner.event_enabled(event)
    }

    fn event(&self, event: &Event<'_>) {
        self.inner.event(event);
    }

    // Enter and exit: the gate, and behind it (out of line) the wrapped subscriber's work
    // and the probe; in line, the wrapped subscriber's work alone, which the compiler
    // makes a jump, since nothing is left to do after it.

    fn enter(&self, span: &Id) {
        let mut entered = false;
        tracing_span__enter!(|| {
            self.inner.enter(span);
            entered = true;
            (span.into_u64(), name_in(&self.inner, span))
        });
        if !entered {
            self.inner.enter(span);
        }
    }

    fn exit(&self, span: &Id) {
        let mut exited = false;
        tracing_span__exit!(|| {
            self.inner.exit(span);
            exited = true;
            (span.into_u64(), name_in(&self.inner, span))
        });
        if !exited {
            self.inner.exit(span);
        }
    }

    fn clone_span(&self, id: &Id) -> Id {
        self.inner.clone_span(id)
    }

    #[allow(deprecated)]
    fn drop_span(&self, id: Id) {
        self.inner.drop_span(id);
    }

    fn try_close(&self, id: Id) -> bool {
        self.inner.try_close(id)
    }

    fn current_span(&self) -> Current {
        self.inner.current_span()
    }

    unsafe fn downcast_raw(&self, id: TypeId) -> Option<*const ()> {
        if id == TypeId::of::<Self>() {
            return Some(self as *const Self as *const ());
        }
        // Layers above look through to the registry (to keep a closing span's data while
        // they see it close, and to find per-layer filters).
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.downcast_raw(id) }
    }
}

impl<'a, S> LookupSpan<'a> for ProbeSubscriber<S>
where
    S: Subscriber + LookupSpan<'a>,
{
    type Data = S::Data;

    fn span_data(&'a self, id: &Id) -> Option<Self::Data> {
        self.inner.span_data(id)
    }

    fn register_filter(&mut self) -> FilterId {
        self.inner.register_filter()
    }
}
