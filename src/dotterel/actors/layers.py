"""Knowledge-base layers: directories of actors and agents that sit on top of the built-in KB.

A layer directory holds (format "dotterel-kb-layer", version 1):

* ``manifest.json``: format, format_version, name, version, created, generator, the source files
  with their SHA-256 and counts, licence and attribution, the files below;
* ``actors.jsonl``: one named actor a line, ``{"name", "aliases", "kind", "roles": [{"code",
  "sector", "cameo", "start", "end", "also"}], "source"}`` (the schema of the built-in
  ``kb/actors.jsonl``, plus the CAMEO code as written and ``also`` for an entry that stands for
  several actors at once);
* ``agents.jsonl``: one agent phrase a line, ``{"term", "plurals", "sector", "code", "cameo",
  "source"}``: ``sector`` is the PLOVER sector it gives ("foreign minister" -> GOV); ``code``
  is set for agents that give the actor's code themselves ("NGO~" in PETRARCH).

Analysts can write a layer by hand (a manifest and either file); ``dotterel kb import-petrarch``
writes one from PETRARCH dictionaries. Later layers take precedence over earlier ones, and every
``--kb`` layer over the built-in knowledge base.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotterel.actors.petrarch import ActorRecord, AgentRecord, Problem, parse_actors, parse_agents
from dotterel.errors import DataFileError
from dotterel.ontology import non_state_codes

FORMAT = "dotterel-kb-layer"
FORMAT_VERSION = 1
GROUP_SECTORS = frozenset({"REB", "UAF", "PRM", "CRM", "OPP", "PTY"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Role:
    """A code an actor holds, from `start` to `end` (None = open); `role` says what it is (for
    imported entries, the CAMEO code as written); `also` lists further actors an entry stands for."""

    code: str | None
    sector: str | None
    role: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    also: tuple[tuple[str | None, str | None], ...] = ()

    def covers(self, when: dt.date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerActor:
    name: str
    aliases: tuple[str, ...]
    kind: str  # person | group | org | country
    roles: tuple[Role, ...]
    source: str = ""
    keys: tuple[str, ...] = ()  # lower-case tokens of name and aliases, joined by blanks (optional)


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerAgent:
    term: str
    plurals: tuple[str, ...]
    sector: str | None
    code: str | None = None
    cameo: str | None = None
    source: str = ""
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Layer:
    """A loaded layer: where it came from, its manifest, actors and agents."""

    path: str
    name: str
    version: str
    actors: tuple[LayerActor, ...]
    agents: tuple[LayerAgent, ...]
    manifest: Mapping = field(default_factory=dict)


# ---- CAMEO codes --------------------------------------------------------------------------


def split_code(
    cameo: str | None, sectors: Mapping[str, str], countries: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """(top-level code, PLOVER sector) of a CAMEO actor code.

    "USAGOV" -> (USA, GOV); "IGOUNOJUD" -> (UNO, JUD) (UN and EU bodies keep UNO/EUR, other
    IGOs IGO); "PSEREBHMS" -> (PSE, REB): the sector is the first 3-letter part the CAMEO
    role table knows. `countries` maps CAMEO country codes to ISO3 where they differ
    (an empty value: a region, no country code).
    """
    if not cameo:
        return None, None
    code = cameo.upper()
    head, rest = code[:3], code[3:]
    igo = head == "IGO" and rest[:3] in ("EUR", "UNO")
    if igo:
        head, rest = rest[:3], rest[3:]
    if not head.isalpha() or len(head) < 3:
        top: str | None = None
    elif countries is not None and head in countries and not igo:
        top = countries[head] or None
    else:
        top = head
    sector = None
    for i in range(0, len(rest), 3):
        part = rest[i : i + 3]
        if part in sectors:
            sector = sectors[part]
            break
    return top, sector


def _date_text(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _kind(
    record: ActorRecord, roles: Sequence[Role], given_names: frozenset[str], non_state: frozenset[str]
) -> str:
    """person (dated roles, or a name that starts with a known given name), country (a bare
    country code), group (armed, opposition or militant codes) or org. Entries under a
    `non_state` code are organizations or groups, not country names."""
    if any(r.start is not None or r.end is not None for r in roles):
        return "person" if all((r.code or "") not in non_state for r in roles) else "org"
    if len(record.name.split()) > 1 and record.name.split()[0].title() in given_names:
        return "person"
    cameos = [r.role or "" for r in roles]
    if all(len(c) == 3 and c.isalpha() and c not in non_state for c in cameos):
        return "country"
    if any(r.sector in GROUP_SECTORS for r in roles) or any(c.startswith("IMG") for c in cameos):
        return "group"
    return "org"


def display(words: str) -> str:
    """A readable form of an upper-case dictionary phrase: "MINAS TIRITH" -> "Minas Tirith"."""
    small = {"OF", "THE", "AND", "FOR", "IN", "ON", "AT", "TO", "DE", "DU", "LA", "LE", "VON", "VAN", "DER"}
    out = []
    for n, w in enumerate(words.split()):
        if not w.isupper() or any(c.isdigit() for c in w) or "." in w:
            out.append(w)
        elif n > 0 and w in small:
            out.append(w.lower())
        else:
            out.append("-".join(p[:1] + p[1:].lower() for p in w.split("-")))
    return " ".join(out)


def _drop_the(words: str) -> str:
    rest = words[4:] if words.upper().startswith("THE ") else words
    return rest.strip() or words


def convert_actor(
    record: ActorRecord,
    sectors: Mapping[str, str],
    countries: Mapping[str, str] | None = None,
    given_names: frozenset[str] = frozenset(),
    *,
    non_state: frozenset[str],
) -> LayerActor:
    roles: list[Role] = []
    for r in record.restrictions:
        parts = [(c, split_code(c, sectors, countries)) for c in r.codes]
        first_cameo, (code, sector) = parts[0]
        roles.append(
            Role(
                code=code,
                sector=sector,
                role="/".join(c or "---" for c in r.codes),
                start=r.start,
                end=r.end,
                also=tuple(split for _, split in parts[1:]),
            )
        )
    # "THE_SHIRE", "THE_AU": the article is written or not; the name is what follows it
    names = [display(_drop_the(record.name)), *(display(_drop_the(s)) for s in record.synonyms)]
    names = [n for n in dict.fromkeys(names) if n]
    return LayerActor(
        name=names[0],
        aliases=tuple(names[1:]),
        kind=_kind(record, roles, given_names, non_state),
        roles=tuple(roles),
        source=record.source,
    )


def convert_agent(record: AgentRecord, sectors: Mapping[str, str]) -> LayerAgent:
    code = record.code
    sector = None
    for i in range(0, len(code), 3):
        if code[i : i + 3] in sectors:
            sector = sectors[code[i : i + 3]]
            break
    prefix_code = None
    if record.prefix:
        prefix_code, sector = split_code(code, sectors)
    return LayerAgent(
        term=record.phrase.lower(),
        plurals=tuple(p.lower() for p in record.plurals),
        sector=sector,
        code=prefix_code,
        cameo=("" if record.prefix else "~") + code + ("~" if record.prefix else ""),
        source=record.source,
    )


# ---- import --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    layer: Layer
    problems: tuple[Problem, ...]


def read_source(path: Path, what: str = "PETRARCH dictionary") -> tuple[str, str]:
    """A dictionary file's text and SHA-256; a file that cannot be read or is binary is refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if b"\x00" in data[:4096]:
        raise DataFileError(f"{path}: is a binary file, not a {what}")
    return data.decode("utf-8", errors="replace"), hashlib.sha256(data).hexdigest()


def import_petrarch(
    actor_files: Sequence[Path],
    agent_files: Sequence[Path],
    *,
    sectors: Mapping[str, str],
    countries: Mapping[str, str] | None = None,
    name: str | None = None,
    tokenize: Callable[[str], str] | None = None,
    given_names: frozenset[str] = frozenset(),
) -> ImportResult:
    """Read PETRARCH actor and agent dictionaries into a layer (not yet written)."""
    non_state = frozenset(non_state_codes("dictionary"))
    actors: list[LayerActor] = []
    agents: list[LayerAgent] = []
    problems: list[Problem] = []
    sources = []
    for path in actor_files:
        text, digest = read_source(path)
        parsed = parse_actors(text, path.name)
        problems.extend(parsed.problems)
        actors.extend(
            convert_actor(r, sectors, countries, given_names, non_state=non_state) for r in parsed.actors
        )
        sources.append(
            {
                "file": path.name,
                "kind": "actors",
                "sha256": digest,
                "lines": parsed.lines,
                "entries": len(parsed.actors),
                "problems": len(parsed.problems),
            }
        )
    for path in agent_files:
        text, digest = read_source(path)
        parsed = parse_agents(text, path.name)
        problems.extend(parsed.problems)
        agents.extend(convert_agent(r, sectors) for r in parsed.agents)
        sources.append(
            {
                "file": path.name,
                "kind": "agents",
                "sha256": digest,
                "lines": parsed.lines,
                "entries": len(parsed.agents),
                "problems": len(parsed.problems),
            }
        )
    if tokenize is not None:
        actors = [_with_keys(a, tokenize) for a in actors]
        agents = [_agent_with_keys(a, tokenize) for a in agents]
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    layer_name = name or "petrarch-import"
    version = dt.date.today().isoformat()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": layer_name,
        "version": version,
        "created": created,
        "generator": "dotterel kb import-petrarch",
        "sources": sources,
        "counts": {
            "actors": len(actors),
            "names": sum(1 + len(a.aliases) for a in actors),
            "agents": len(agents),
            "problems": len(problems),
        },
        "files": {"actors": "actors.jsonl", "agents": "agents.jsonl"},
    }
    layer = Layer(
        path="",
        name=layer_name,
        version=version,
        actors=tuple(actors),
        agents=tuple(agents),
        manifest=manifest,
    )
    return ImportResult(layer=layer, problems=tuple(problems))


def import_petrarch_to(
    directory: Path,
    actor_files: Sequence[Path],
    agent_files: Sequence[Path] = (),
    *,
    name: str | None = None,
    iso3: bool = False,
    compress: bool = False,
    extra: Mapping | None = None,
) -> ImportResult:
    """Import PETRARCH dictionaries and write the layer to `directory`.

    Names are tokenized with spaCy's English tokenizer (the rules the coder's pipeline uses), so
    the coder matches them without tokenizing tens of thousands of names at start-up.
    """
    import spacy

    from dotterel.datafiles import read_table

    def table(relpath: str, key: str, value: str) -> dict[str, str]:
        return {row[key].upper(): row[value].upper() for row in read_table(relpath).rows}

    tokenizer = spacy.blank("en").tokenizer

    def tokenize(text: str) -> str:
        return " ".join(t.text.lower().replace("’", "'") for t in tokenizer(text))

    result = import_petrarch(
        [Path(p) for p in actor_files],
        [Path(p) for p in agent_files],
        sectors=table("kb/cameo_sectors.tsv", "cameo", "sector"),
        countries=table("kb/cameo_countries.tsv", "cameo", "iso3") if iso3 else None,
        name=name or Path(directory).resolve().name,
        tokenize=tokenize,
        given_names=frozenset(row["name"] for row in read_table("kb/given_names.tsv").rows),
    )
    write_layer(result.layer, Path(directory), compress=compress, extra=extra)
    return result


def _with_keys(actor: LayerActor, tokenize: Callable[[str], str]) -> LayerActor:
    keys = tuple(tokenize(n) for n in (actor.name, *actor.aliases))
    return LayerActor(
        name=actor.name, aliases=actor.aliases, kind=actor.kind, roles=actor.roles, source=actor.source, keys=keys
    )


def _agent_with_keys(agent: LayerAgent, tokenize: Callable[[str], str]) -> LayerAgent:
    keys = tuple(tokenize(t) for t in (agent.term, *agent.plurals))
    return LayerAgent(
        term=agent.term,
        plurals=agent.plurals,
        sector=agent.sector,
        code=agent.code,
        cameo=agent.cameo,
        source=agent.source,
        keys=keys,
    )


# ---- reading and writing ---------------------------------------------------------------------


def _actor_json(a: LayerActor) -> dict:
    obj: dict = {"name": a.name, "aliases": list(a.aliases), "kind": a.kind, "roles": []}
    for r in a.roles:
        role: dict = {"code": r.code, "sector": r.sector}
        if r.role:
            role[
                "cameo" if r.role.replace("/", "").replace("-", "").isalnum() and r.role.isupper() else "role"
            ] = r.role
        role["start"] = _date_text(r.start)
        role["end"] = _date_text(r.end)
        if r.also:
            role["also"] = [{"code": c, "sector": s} for c, s in r.also]
        obj["roles"].append(role)
    if a.source:
        obj["source"] = a.source
    if a.keys:
        obj["keys"] = list(a.keys)
    return obj


def _agent_json(a: LayerAgent) -> dict:
    obj: dict = {"term": a.term, "plurals": list(a.plurals), "sector": a.sector}
    if a.code:
        obj["code"] = a.code
    if a.cameo:
        obj["cameo"] = a.cameo
    if a.source:
        obj["source"] = a.source
    if a.keys:
        obj["keys"] = list(a.keys)
    return obj


def write_layer(layer: Layer, directory: Path, *, compress: bool = False, extra: Mapping | None = None) -> None:
    """Write a layer directory (manifest last, so a half-written layer has none and is refused).

    With `compress` the files are gzip-compressed, reproducibly (no time stamp inside).
    """
    import gzip

    suffix = ".jsonl.gz" if compress else ".jsonl"
    manifest = {**dict(layer.manifest), **dict(extra or {})}
    manifest["files"] = {"actors": "actors" + suffix, "agents": "agents" + suffix}
    parts = {
        "actors": "".join(json.dumps(_actor_json(a), ensure_ascii=False) + "\n" for a in layer.actors),
        "agents": "".join(json.dumps(_agent_json(g), ensure_ascii=False) + "\n" for g in layer.agents),
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "manifest.json").unlink(missing_ok=True)
        for part, text in parts.items():
            data = text.encode("utf-8")
            if compress:
                data = gzip.compress(data, compresslevel=9, mtime=0)
            for old in ("actors.jsonl", "actors.jsonl.gz", "agents.jsonl", "agents.jsonl.gz"):
                if old.startswith(part):
                    (directory / old).unlink(missing_ok=True)
            (directory / (part + suffix)).write_bytes(data)
        (directory / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise DataFileError(f"{directory}: cannot write the layer ({exc.strerror or exc})") from exc


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataFileError(f"{where}: bad date {value!r} (YYYY-MM-DD or null)") from None


def _code(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if value.__class__ is str and value.isupper() and value.isalnum():
        return value
    if not isinstance(value, str) or not value.isalnum():
        raise DataFileError(f"{where}: bad code {value!r}")
    return value.upper()


def _read_lines(path: Path) -> Iterable[tuple[int, dict]]:
    try:
        if path.suffix == ".gz":
            import gzip

            text = gzip.decompress(path.read_bytes()).decode("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EOFError, zlib.error) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc})") from exc
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    try:  # one parse for the whole file is much faster than one per line
        objects = json.loads("[" + ",".join(line for _, line in lines) + "]")
    except json.JSONDecodeError:
        objects = None
    for k, (n, line) in enumerate(lines):
        if objects is not None:
            obj = objects[k]
        else:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataFileError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise DataFileError(f"{path}:{n}: expected a JSON object")
        yield n, obj


def _trusted_actor(obj: dict) -> LayerActor:
    """An actor object written by dotterel itself (the shipped layer): no checks, for start-up speed."""
    date = dt.date.fromisoformat
    roles = tuple(
        Role(
            code=r["code"],
            sector=r["sector"],
            role=r.get("cameo") or r.get("role") or "",
            start=None if r["start"] is None else date(r["start"]),
            end=None if r["end"] is None else date(r["end"]),
            also=tuple((x["code"], x["sector"]) for x in r["also"]) if "also" in r else (),
        )
        for r in obj["roles"]
    )
    return LayerActor(
        name=obj["name"],
        aliases=tuple(obj["aliases"]),
        kind=obj["kind"],
        roles=roles,
        source=obj.get("source", ""),
        keys=tuple(obj.get("keys", ())),
    )


def parse_actor(obj: dict, where: str) -> LayerActor:
    """One actor object of a layer (or of the built-in actors.jsonl), validated."""
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DataFileError(f"{where}: actor without a 'name'")
    aliases = obj.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise DataFileError(f"{where}: 'aliases' must be a list of names")
    roles = []
    raw_roles = obj.get("roles") or []
    if not isinstance(raw_roles, list):
        raise DataFileError(f"{where}: 'roles' must be a list")
    for r in raw_roles:
        if not isinstance(r, dict):
            raise DataFileError(f"{where}: a role must be an object")
        also = tuple((_code(x.get("code"), where), x.get("sector") or None) for x in r.get("also") or [])
        roles.append(
            Role(
                code=_code(r.get("code"), where),
                sector=(r.get("sector") or None),
                role=r.get("cameo") or r.get("role") or "",
                start=_date(r.get("start"), where),
                end=_date(r.get("end"), where),
                also=also,
            )
        )
    keys = obj.get("keys") or ()
    if keys and len(keys) != 1 + len(aliases):
        keys = ()
    return LayerActor(
        name=name.strip(),
        aliases=tuple(a.strip() for a in aliases if a.strip()),
        kind=str(obj.get("kind") or "person"),
        roles=tuple(roles),
        source=str(obj.get("source") or ""),
        keys=tuple(keys),
    )


def read_layer(directory: Path, *, trusted: bool = False) -> Layer:
    """Load a layer directory; a clear DataFileError names the file and line when it is not one.

    `trusted` skips the checks of each entry, for the layer shipped in package data only.
    """
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not directory.is_dir():
        raise DataFileError(f"{directory}: knowledge-base layer not found (expected a directory)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(
            f"{directory}: not a knowledge-base layer (no manifest.json; write one with 'dotterel kb import-petrarch')"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{manifest_path}: cannot be read ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataFileError(f"{manifest_path}: not a {FORMAT} manifest")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise DataFileError(
            f"{manifest_path}: format version {manifest.get('format_version')} is newer than this dotterel reads "
            f"({FORMAT_VERSION})"
        )
    files = manifest.get("files") or {}
    actors: list[LayerActor] = []
    agents: list[LayerAgent] = []
    if files.get("actors"):
        path = directory / files["actors"]
        if trusted:
            actors = [_trusted_actor(obj) for _, obj in _read_lines(path)]
        else:
            actors = [parse_actor(obj, f"{path}:{n}") for n, obj in _read_lines(path)]
    if files.get("agents"):
        path = directory / files["agents"]
        for n, obj in _read_lines(path):
            where = f"{path}:{n}"
            term = obj.get("term")
            if not isinstance(term, str) or not term.strip():
                raise DataFileError(f"{where}: agent without a 'term'")
            plurals = obj.get("plurals") or []
            keys = obj.get("keys") or ()
            if keys and len(keys) != 1 + len(plurals):
                keys = ()
            agents.append(
                LayerAgent(
                    term=" ".join(term.lower().split()),
                    plurals=tuple(" ".join(p.lower().split()) for p in plurals),
                    sector=obj.get("sector") or None,
                    code=_code(obj.get("code"), where),
                    cameo=obj.get("cameo"),
                    source=str(obj.get("source") or ""),
                    keys=tuple(keys),
                )
            )
    return Layer(
        path=str(directory),
        name=str(manifest.get("name") or directory.name),
        version=str(manifest.get("version") or "0"),
        actors=tuple(actors),
        agents=tuple(agents),
        manifest=manifest,
    )


def add_actor(
    directory: Path,
    *,
    name: str,
    aliases: Sequence[str] = (),
    code: str | None,
    sector: str | None,
    kind: str = "person",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Path:
    """Append one actor to a layer directory of one's own, creating the layer when it is new."""
    directory = Path(directory)
    if (directory / "manifest.json").exists():
        layer = read_layer(directory)  # refuse to append to something that is not a layer
        files = dict(layer.manifest.get("files") or {})
        manifest = dict(layer.manifest)
    else:
        files = {}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": directory.resolve().name,
            "version": "1",
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "generator": "dotterel kb add",
        }
    actors_file = files.get("actors") or "actors.jsonl"
    if actors_file.endswith(".gz"):
        raise DataFileError(f"{directory}: a compressed layer cannot be edited; add to a layer of your own")
    files.setdefault("actors", actors_file)
    manifest["files"] = files
    role = Role(code=_code(code, "--code"), sector=(sector or "").upper() or None, start=start, end=end)
    actor = LayerActor(
        name=name.strip(), aliases=tuple(a.strip() for a in aliases if a.strip()), kind=kind, roles=(role,)
    )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / actors_file, "a", encoding="utf-8") as f:
            f.write(json.dumps(_actor_json(actor), ensure_ascii=False) + "\n")
        (directory / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise DataFileError(f"{directory}: cannot write ({exc.strerror or exc})") from exc
    return directory / actors_file
