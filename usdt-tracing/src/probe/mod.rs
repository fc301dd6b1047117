//! [`ProbeLayer`]: `tracing`'s spans and events as the static probes of the provider
//! `tracing` (declared in `tracing.d`, at the root of this crate).

mod fields;

use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

usdt::dtrace_provider!("tracing.d");

/// A [`Layer`] that fires a static probe for every span and event: the provider
/// `tracing`'s `span__new`, `span__enter`, `span__exit`, `span__record`, `span__close` and
/// `event` (see the [crate docs](crate#spans-and-events-as-probes) for their arguments and
/// for bpftrace one-liners that read them).
///
/// While nobody traces a probe, its site is a compare and a branch: the layer looks up
/// nothing, formats nothing and allocates nothing. While a tracer has it enabled, the layer
/// formats the fields (one `String` per formatted list) and hands them over.
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

/// The name of span `id`, or `""` when the registry no longer knows it.
fn span_name<S>(ctx: &Context<'_, S>, id: &Id) -> &'static str
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    ctx.metadata(id).map_or("", |m| m.name())
}

impl<S> Layer<S> for ProbeLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        tracing_span__new!(|| {
            // The registry has resolved the parent, explicit or contextual.
            let parent = ctx
                .span(id)
                .and_then(|span| span.parent())
                .map_or(0, |parent| parent.id().into_u64());
            let meta = attrs.metadata();
            (
                id.into_u64(),
                parent,
                meta.name(),
                meta.target(),
                fields::of_attributes(attrs),
            )
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        tracing_span__record!(|| (
            id.into_u64(),
            span_name(&ctx, id),
            fields::of_record(values)
        ));
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        tracing_span__enter!(|| (id.into_u64(), span_name(&ctx, id)));
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        tracing_span__exit!(|| (id.into_u64(), span_name(&ctx, id)));
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        tracing_span__close!(|| (id.into_u64(), span_name(&ctx, &id)));
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        tracing_event!(|| {
            let text = fields::of_event(event);
            let meta = event.metadata();
            let span = ctx.event_span(event).map_or(0, |span| span.id().into_u64());
            (
                meta.level().as_str(),
                meta.target(),
                text.message,
                text.fields,
                span,
            )
        });
    }
}
