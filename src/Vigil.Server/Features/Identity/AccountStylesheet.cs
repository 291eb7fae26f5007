namespace Vigil.Server.Features.Identity;

/// <summary>The hosted pages' one small stylesheet (served at <c>/account/style.css</c>; the CSP allows no inline style).</summary>
internal static class AccountStylesheet
{
    public const string Css = """
        :root { color-scheme: light dark; --accent: #0b5cad; --error: #b00020; --ok: #1b6e20; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 1rem/1.5 system-ui, sans-serif; background: Canvas; color: CanvasText; }
        main { max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
        header { font-weight: 600; letter-spacing: .05em; margin-bottom: 1.5rem; }
        header a { color: inherit; text-decoration: none; }
        h1 { font-size: 1.5rem; margin: 0 0 1rem; }
        label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
        input { width: 100%; padding: .6rem; font: inherit; border: 1px solid GrayText; border-radius: .3rem; }
        input:focus, button:focus, a:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
        button { margin-top: 1.25rem; padding: .6rem 1.2rem; font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: .3rem; cursor: pointer; }
        a { color: var(--accent); }
        .error { color: var(--error); border-left: 4px solid var(--error); padding-left: .75rem; }
        .notice { color: var(--ok); border-left: 4px solid var(--ok); padding-left: .75rem; }
        .hint { font-size: .9rem; opacity: .8; }
        .secret { font: 1.1rem ui-monospace, monospace; letter-spacing: .1em; word-break: break-all; }
        .qr { display: block; width: 14rem; height: 14rem; image-rendering: pixelated; background: #fff; padding: .5rem; }
        ol.codes { columns: 2; font-family: ui-monospace, monospace; }
        nav a { margin-right: 1rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        """;
}
