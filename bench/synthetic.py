"""Deterministic, news-like distractor articles for benchmarks: varied places, actors, numbers
and dates from a seed, so a 100k-chunk corpus can be rebuilt exactly on any machine."""

from __future__ import annotations

import random
from datetime import date, timedelta

from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import load_text
from rag.models import Article

PLACES = ["Gao", "Mopti", "Timbuktu", "Menaka", "Segou", "Sikasso", "Kayes", "Niono", "Djenne", "Bandiagara",
          "Goma", "Bunia", "Beni", "Butembo", "Uvira", "Bukavu", "Kalemie", "Kindu", "Walikale", "Rutshuru",
          "Maiduguri", "Bama", "Dikwa", "Monguno", "Gwoza", "Damboa", "Konduga", "Mafa", "Ngala", "Kukawa",
          "El Fasher", "Nyala", "Geneina", "Zalingei", "Kadugli", "Ed Daein", "Kosti", "Sennar", "Wad Madani",
          "Kramatorsk", "Pokrovsk", "Sloviansk", "Kherson", "Zaporizhzhia", "Sumy", "Kupiansk", "Izium",
          "Marib", "Taiz", "Hodeidah", "Saada", "Aden", "Mukalla", "Ataq", "Lahij", "Baidoa", "Beledweyne",
          "Kismayo", "Dhusamareb", "Garowe", "Galkayo", "Jowhar", "Afgoye", "Marka", "Barawe", "Dolow"]
ACTORS = ["the army", "rebel fighters", "a local militia", "the regional governor", "the interior ministry",
          "UN agencies", "the Red Cross", "aid workers", "the ceasefire monitors", "the police",
          "community elders", "the ruling council", "opposition leaders", "the health ministry",
          "the World Food Programme", "UNHCR", "Medecins Sans Frontieres", "the African Union mission"]
SPOKES = ["Amadou Diallo", "Fatima Bello", "Jean-Pierre Mukendi", "Olena Kovalenko", "Ahmed Saleh",
          "Grace Achieng", "Ibrahim Musa", "Sara Haile", "Pedro Alvarez", "Nadia Rahman", "Tomasz Nowak",
          "Aisha Warsame", "Kofi Mensah", "Leila Haddad", "Viktor Bondar", "Miriam Tesfaye"]
EVENTS = [
    "{actor} said on {day} that {n} people had been displaced from villages around {place}.",
    "Fighting near {place} killed at least {n} civilians, according to {actor}.",
    "{actor} reported that {k} of its {m} health centres in {place} had reopened.",
    "A convoy of {n} trucks carrying food and medicine reached {place} on {day}, {actor} said.",
    "Heavy rain cut the road between {place} and {place2}, stranding {n} vehicles for several days.",
    "{spoke}, a spokesperson for {actor}, said talks in {place} would resume after {month}.",
    "Prices of staple food in {place} have risen by {pct} percent since {month}, traders said.",
    "{actor} accused {actor2} of blocking access to {place} for the past {k} weeks.",
    "About {n} refugees crossed into {place} in the week to {day}, according to {actor}.",
    "The curfew in {place} was extended until {month} after {k} attacks on checkpoints.",
    "Schools in {place} remained closed, affecting some {n} children, {actor} said.",
    "{actor} said {k} aid workers had been detained in {place} and released after {k2} days.",
    "Drone strikes hit a market in {place} on {day}, {actor} said, without giving a toll.",
    "Water supplies in {place} fell to {pct} percent of normal after pumping stations were damaged.",
    "{spoke} told reporters in {place} that {n} families had received cash assistance since {month}.",
]
TITLES = ["Clashes displace thousands near {place}", "Aid convoy reaches {place}", "Talks to resume in {place}",
          "Food prices climb in {place}", "Curfew extended in {place}", "Floods cut roads around {place}",
          "Health centres reopen in {place}", "Refugees arrive in {place}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def sentence(rng: random.Random) -> str:
    place, place2 = rng.sample(PLACES, 2)
    actor, actor2 = rng.sample(ACTORS, 2)
    text = rng.choice(EVENTS).format(
        actor=actor, actor2=actor2, place=place, place2=place2, spoke=rng.choice(SPOKES),
        day=rng.choice(WEEKDAYS), month=rng.choice(MONTHS), n=f"{rng.randint(12, 60000):,}",
        k=rng.randint(2, 12), k2=rng.randint(2, 9), m=rng.randint(13, 40), pct=rng.randint(5, 90))
    return text[0].upper() + text[1:]


def articles(n_chunks: int, seed: int = 7, start: date = date(2023, 1, 1)) -> list[Article]:
    """Articles of 8 paragraphs (about 6 chunks each) until ``n_chunks`` chunks are reached."""
    rng = random.Random(seed)
    out: list[Article] = []
    est = 0
    i = 0
    while est < n_chunks:
        published = start + timedelta(days=rng.randint(0, 1000))
        title = rng.choice(TITLES).format(place=rng.choice(PLACES))
        paras = [" ".join(sentence(rng) for _ in range(rng.randint(2, 3))) for _ in range(8)]
        article = load_text("\n\n".join(paras), name=f"synthetic-{seed}-{i:06d}.txt", key=f"synthetic:{seed}:{i}",
                            title=title, published=published.isoformat(), source="synthetic wire")
        out.append(article)
        est += len(chunk_article(article))
        i += 1
    return out


def questions(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    forms = ["How many people were displaced around {p}?", "What happened in {p} on {d}?",
             "Why was the curfew in {p} extended?", "Who spoke about the talks in {p}?",
             "How much have food prices risen in {p}?", "When will talks resume in {p}?"]
    return [rng.choice(forms).format(p=rng.choice(PLACES), d=rng.choice(WEEKDAYS)) for _ in range(n)]
