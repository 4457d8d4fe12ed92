// Briefing UI, in the page (Gradio's `js=`): one click handler for our own buttons and links.
// - a citation badge [n] in an answer: open its card in the sources panel, scroll to it, flash it;
//   hovering it previews the card's quote;
// - "Copy as Markdown" under an answer: the answer with its references to the clipboard;
// - "Read the whole article" on a card: the article in a dialog, scrolled to the cited span;
// - a briefing line's badge: its source card below the briefing.
function briefingUI() {
  const flash = (el) => { el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash'); };

  const copyText = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {  // no clipboard API (plain http on another host), or the page lost focus: the textarea way
      console.warn('clipboard: ' + e);
      const area = document.createElement('textarea');
      area.value = text;
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand('copy');
      area.remove();
      return ok;
    }
  };

  const viewer = () => {
    let dialog = document.getElementById('article-viewer');
    if (dialog) return dialog;
    dialog = document.createElement('dialog');
    dialog.id = 'article-viewer';
    dialog.innerHTML = '<div class="viewer-bar"><span class="viewer-title"></span>' +
      '<button class="viewer-close" aria-label="Close">Close</button></div><div class="viewer-body"></div>';
    dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
    dialog.querySelector('.viewer-close').addEventListener('click', () => dialog.close());
    document.body.appendChild(dialog);
    return dialog;
  };

  const openArticle = (button) => {
    const source = document.getElementById(button.dataset.article);
    if (!source) return;
    const dialog = viewer();
    const body = dialog.querySelector('.viewer-body');
    dialog.querySelector('.viewer-title').textContent = source.querySelector('h3').textContent;
    body.innerHTML = source.querySelector('.article-body').innerHTML;  // our own escaped markup
    body.querySelectorAll('mark[id]').forEach((m) => { m.dataset.mark = m.id; m.removeAttribute('id'); });
    dialog.showModal();
    const mark = body.querySelector(`mark[data-mark="${button.dataset.mark}"]`);
    if (mark) {
      mark.classList.add('current');
      mark.scrollIntoView({block: 'center'});
    }
  };

  // hovering a badge previews the quote of its card (the card may be folded or scrolled away)
  const preview = () => {
    let tip = document.getElementById('cite-preview');
    if (!tip) {
      tip = document.createElement('div');
      tip.id = 'cite-preview';
      tip.setAttribute('role', 'tooltip');
      document.body.appendChild(tip);
    }
    return tip;
  };
  const showPreview = (badge) => {
    const card = document.getElementById((badge.getAttribute('href') || '').slice(1));
    if (!card) return;
    const mark = card.querySelector('.cite-para mark, blockquote mark, p mark');
    const title = card.querySelector('.cite-title');
    const tip = preview();
    tip.textContent = '';
    const quote = document.createElement('div');
    quote.className = 'preview-quote';
    quote.textContent = '“' + (mark ? mark.textContent : card.textContent).trim() + '”';
    const from = document.createElement('div');
    from.className = 'preview-source';
    from.textContent = title ? title.textContent : '';
    tip.append(quote, from);
    const box = badge.getBoundingClientRect();
    tip.style.display = 'block';
    const width = Math.min(360, window.innerWidth - 16);
    tip.style.maxWidth = width + 'px';
    tip.style.left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8)) + 'px';
    tip.style.top = (box.bottom + 6) + 'px';
  };
  document.addEventListener('mouseover', (event) => {
    const badge = event.target.closest && event.target.closest('a.cite-badge');
    if (badge) showPreview(badge);
  });
  document.addEventListener('mouseout', (event) => {
    const badge = event.target.closest && event.target.closest('a.cite-badge');
    const tip = document.getElementById('cite-preview');
    if (badge && tip) tip.style.display = 'none';
  });

  document.addEventListener('click', async (event) => {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    const copy = target.closest('a.copy-md');
    if (copy) {
      event.preventDefault();
      event.stopPropagation();
      const source = document.getElementById((copy.getAttribute('href') || '').slice(1));
      const ok = source ? await copyText(source.textContent) : false;
      copy.textContent = ok ? 'Copied' : 'Copy failed: select the text instead';
      setTimeout(() => { copy.textContent = 'Copy as Markdown'; }, 2000);
      return;
    }
    const open = target.closest('button.open-article');
    if (open) {
      event.preventDefault();
      openArticle(open);
      return;
    }
    const badge = target.closest('a.cite-badge');
    if (!badge) return;
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById((badge.getAttribute('href') || '').slice(1));
    if (!card) return;
    const folded = card.closest('details.turn');
    if (folded) folded.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    flash(card);
  }, true);
}
