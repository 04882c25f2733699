import { publicPath, type PublicationDoc } from "./model";

const escapeAttr = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Row 6. The iframe carries the widget in `srcdoc`: a srcdoc document shares the embedding page's
 * origin, so the publication's origin check applies to it as to the script tag.
 */
export function embedCodes(doc: PublicationDoc, base: string) {
	const root = `${base}${publicPath(doc.slug)}`;
	const widgetUrl = `${root}/widget.js`;
	const scriptTag = `<script src="${widgetUrl}" data-key="${doc.public_key}" async></script>`;
	const inline = `<script src="${widgetUrl}" data-key="${doc.public_key}" data-mode="inline" async></script>`;
	const iframeTag = `<iframe title="${escapeAttr(doc.name)}" srcdoc="${escapeAttr(inline)}" style="border:0;width:380px;height:560px"></iframe>`;
	return { script_tag: scriptTag, iframe_tag: iframeTag, widget_url: widgetUrl, chat_url: `${root}/chat` };
}
