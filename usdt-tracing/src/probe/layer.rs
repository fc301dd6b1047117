//! [`ProbeLayer`]: the probes as a `tracing-subscriber` layer.

use std::mem::MaybeUninit;

use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::args::{entered, event_args, exited, new_args, record_args, span_name};
use super::{
    tracing_event, tracing_span__close, tracing_span__enter, tracing_span__exit, tracing_span__new,
    tracing_span__record,
};

/// A [`Layer`] that fires a static probe for every span and event: the provider
/// `tracing`'s `span__new`, `span__enter`, `span__exit`, `span__record`, `span__close` and
/// `event` (see the [crate docs](crate#spans-and-events-as-probes) for their arguments and
/// for bpftrace one-liners that read them).
///
/// While nobody traces a probe, its callback is a compare, a branch and a return: the
/// layer looks up nothing, formats nothing and allocates nothing. While a tracer has it
/// enabled, the layer formats the fields into a buffer on its stack and hands them over
/// (it allocates only the first time it passes a span name or target, kept as a C string).
///
/// A layer acts after the subscriber it is layered onto, so a subscriber with any layer
/// that does something calls the registry where the registry alone is jumped to: entering
/// and exiting a span costs about a fifth more than with the registry alone (see the
/// [crate docs](crate#cost)). [`ProbeSubscriber`](crate::ProbeSubscriber) tests its gates
/// first and saves that.
///
/// On illumos, FreeBSD and macOS, call [`usdt::register_probes`] once, as for any provider;
/// on targets without probes the layer compiles and does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbeLayer {
    _private: (),
}

impl ProbeLayer {
    /// A layer firing the `tracing` provider's probes.
    pub fn new() -> Self {
        ProbeLayer { _private: () }
    }
}

impl<S> Layer<S> for ProbeLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    #[inline(never)]
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = MaybeUninit::uninit();
        tracing_span__new!(|| new_args(attrs, id, ctx, &mut fields));
    }

    #[inline(never)]
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut fields = MaybeUninit::uninit();
        tracing_span__record!(|| record_args(id, values, ctx, &mut fields));
    }

    fn on_enter(&self, _id: &Id, _ctx: Context<'_, S>) {
        tracing_span__enter!(|| entered());
    }

    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        tracing_span__exit!(|| exited::<S>(id));
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        tracing_span__close!(|| (id.into_u64(), span_name(ctx, &id)));
    }

    #[inline(never)]
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut text = (MaybeUninit::uninit(), MaybeUninit::uninit());
        tracing_event!(|| event_args(event, ctx, &mut text));
    }
}

/// [`ProbeLayer`] without its enter and exit probes, which
/// [`ProbeSubscriber`](crate::ProbeSubscriber) fires itself, gated before the subscriber
/// it wraps.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SpanProbes(ProbeLayer);

impl<S> Layer<S> for SpanProbes
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    #[inline]
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        Layer::<S>::on_new_span(&self.0, attrs, id, ctx);
    }

    #[inline]
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        Layer::<S>::on_record(&self.0, id, values, ctx);
    }

    #[inline]
    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        Layer::<S>::on_close(&self.0, id, ctx);
    }

    #[inline]
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        Layer::<S>::on_event(&self.0, event, ctx);
    }
}
