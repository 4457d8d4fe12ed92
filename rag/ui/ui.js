// Briefing UI: a citation badge [n] in an answer links to its card in the sources panel.
// Open the card's folded answer, scroll to it and flash it (no navigation, no new tab).
function briefingCitations() {
  document.addEventListener('click', (event) => {
    const badge = event.target.closest && event.target.closest('a.cite-badge');
    if (!badge) return;
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById((badge.getAttribute('href') || '').slice(1));
    if (!card) return;
    const folded = card.closest('details.turn');
    if (folded) folded.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    card.classList.remove('flash'); void card.offsetWidth; card.classList.add('flash');
  }, true);
}
