"""The registry of error codes: every :class:`~dateline.schemas.DatelineError` code, in one place.

Each code says what went wrong (``meaning``), how to fix it in general (``fix``, used when the
raising site gives none), what the CLI exits with (``exit_code``: 1 the data has a problem,
2 a usage error, 70 an internal error: a bug) and the part of dateline it belongs to
(``area``, one of :data:`AREAS`).
Codes are stable: tests and other people's code match them, so rename none.

Validator check ids (``dateline validate --list-checks``, :data:`dateline.schemas.CHECKS`) are a
separate namespace of incidents; the level-1 ones are also error codes, since reading a file
of Documents (:func:`~dateline.schemas.read_jsonl`) stops at the first with that code.

>>> entry = error_code("no-such-file")
>>> entry.area, entry.exit_code, entry.meaning
('input', 2, 'A file or folder named on the command line does not exist.')
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

__all__ = ["AREAS", "CODES", "DATA_ERROR", "INTERNAL_ERROR", "USAGE_ERROR", "ErrorCode",
           "error_code"]

DATA_ERROR = 1
USAGE_ERROR = 2
INTERNAL_ERROR = 70  # EX_SOFTWARE of sysexits.h: an unexpected exception, a bug of dateline

AREAS: dict[str, str] = {
    "input": "reading Documents, writing outputs, and the paths and options given to any "
             "command",
    "scoring": "score, compare and report: pairing gold and predicted Documents",
    "corpus": "building, loading and checking the corpus (card, lock, splits, MANIFEST)",
    "sources": "reading, importing and fetching the pinned sources",
    "annotations": "the stand-off annotation files in corpus/annotations/",
    "release": "releases, diffs between corpus versions, exports and git",
    "studio": "the Label Studio round trip, agreement and adjudication",
    "baselines": "extractors: finding, configuring, training and loading them",
    "convert": "dateline convert: reading CoNLL, brat, spaCy, OneIE and Hugging Face data, "
               "and the map file",
}


@dataclass(frozen=True)
class ErrorCode:
    """One registered error code.

    >>> ErrorCode("usage", "input", 2, "Wrong arguments.", "see --help").exit_code
    2
    """

    code: str
    area: str
    exit_code: int
    meaning: str
    fix: str


def _entries(area: str, exit_code: int, *rows: tuple[str, str, str]) -> list[ErrorCode]:
    return [ErrorCode(code, area, exit_code, meaning, fix) for code, meaning, fix in rows]


_D, _U = DATA_ERROR, USAGE_ERROR
_RESTORE = "restore the pinned source file (its sha256 is in corpus/sources.lock)"
_REBUILD = "rebuild with `dateline corpus build`"

_ALL: list[ErrorCode] = [
    *_entries("input", _D, *(
        (code, meaning, "run `dateline validate FILE` to list every problem") for code, meaning
        in (("empty-file", "The file holds no document."),
            ("invalid-utf8", "The file is not UTF-8."),
            ("invalid-json", "A line (or a .json file) is not valid JSON."),
            ("line-too-long", "A line is longer than the line-size limit."),
            ("blank-line", "A blank line in a JSON Lines file."),
            ("missing-field", "A required field is missing."),
            ("unknown-field", "A field the schema does not define."),
            ("invalid-value", "A value of the wrong type."),
            ("offset-out-of-range", "An offset is negative or past the end of the text."),
            ("inverted-offset", "A span's start is after its end."),
            ("duplicate-key", "A JSON object names the same key twice."),
            ("skipped-file", "A file in a folder looks like Documents but is not read (only "
             ".json and .jsonl files are)."))),
        ("not-parquet", "A .parquet file that pyarrow cannot read as Parquet.",
         "write the export's schema (`dateline corpus export --format parquet`)"),
        ("not-in-export-schema", "A Document value that the Parquet schema has no column or "
         "type for (an unknown event attribute, a published date that is no date).",
         "use the values of schemas/labels.json, or write JSONL"),
        ("unreadable-file", "A file cannot be read (permissions, or an I/O error).",
         "check that the file exists and is readable"),
        ("too-deep", "Data nested too deeply to be processed.",
         "flatten the data: Documents nest a few levels only"),
        ("disk-full", "No space is left on the device (or the disk quota is used up).",
         "free space on the device (or write to another one); the old file, if any, is "
         "unchanged"),
        ("read-only", "The file system is mounted read-only.",
         "write to a folder on a writable file system"),
        ("permission-denied", "The operating system refused access to a file or folder.",
         "check the permissions, or choose another path"),
        ("os-error", "The operating system reported an error reading or writing a file.",
         "read the system's reason; check the device and the path"),
        ("worker-died", "A worker process of --engine processes (or auto) ended before its task "
         "was done (killed, e.g. by the out-of-memory killer, or crashed).",
         "run with fewer --workers, or with --engine stream (memory bounded by a chunk)"),
        ("workers-cannot-start", "The worker processes of --engine processes could not be "
         "started: the operating system refused (no /dev/shm for the pool's semaphores, a "
         "limit on processes or memory).",
         "free what the message names, or run in this process: --engine memory (or --engine "
         "stream, memory bounded by a chunk)")),
    *_entries("input", _U,
        ("no-such-file", "A file or folder named on the command line does not exist.",
         "check the path"),
        ("no-documents", "A folder holds no .json or .jsonl file.",
         "name a file or a folder holding Documents"),
        ("unknown-check", "A validator check id that does not exist.",
         "run `dateline validate --list-checks` for the ids"),
        ("unknown-code", "An error code or check id that does not exist.",
         "run `dateline errors` for the codes"),
        ("bad-option", "An option's value is malformed or out of range.",
         "run the command with --help for the accepted values"),
        ("is-a-directory", "A path that must be a file is a folder.",
         "name a file, not a folder (for example a new file inside that folder)"),
        ("not-a-directory", "A path goes through a file where a folder must be.",
         "choose a path whose folders are folders, not files"),
        ("path-exists", "A path to be created exists already.",
         "remove it, or choose another path"),
        ("bad-path", "A path the operating system cannot use (too long, or a symlink loop).",
         "choose a shorter path, or fix the symlinks"),
        ("usage", "A command got the wrong number or kind of arguments.",
         "run the command with --help"),
        ("unknown-format", "An output format that the command does not write.",
         "run the command with --help for its formats"),
        ("shards-differ", "Gold and predicted inputs cannot be cut into the same shards "
         "(different numbers of files or of lines).",
         "give one prediction shard per gold shard, in the same document order"),
        ("no-scheduler", "The Dask scheduler given with --scheduler cannot be reached.",
         "start one (`dask scheduler`) and give its address, or leave out --scheduler"),
        ("missing-dependency", "An optional package the command needs is not installed.",
         "pip install the extra the message names")),
    *_entries("input", INTERNAL_ERROR,
        ("internal-error", "An unexpected error inside dateline: a bug, not a problem of the "
         "input.", "please report it with the command line and this message (rerun with "
         "--debug for the traceback)")),
    *_entries("scoring", _D,
        ("text-mismatch", "A span's text differs from the document text at its offsets.",
         "correct the offsets or the span text (`dateline validate FILE` lists every case)"),
        ("empty-span", "A span covers no character.",
         "give the span at least one character, or remove it"),
        ("labels-outside-inventory", "Predicted items carry labels that are not in the label "
         "inventory (printed as a warning; an error with --strict).",
         "map the extractor's labels to those of schemas/labels.json"),
        ("invalid-predictions", "Predicted Documents (an extractor's output or a file) fail "
         "the validator's checks of levels 1 to 3: the refusal counts them per check id and "
         "quotes the first.", "correct the extractor's output; `dateline validate FILE` lists "
         "every incident; --no-validate scores it as it is"),
        ("duplicate-document-id", "Two documents of one collection share an id.",
         "give every document a unique id, or remove the copy"),
        ("document-ids-differ", "The gold and predicted files hold different document ids.",
         "predict every gold document and only those"),
        ("document-text-differs", "A predicted document's text differs from the gold text.",
         "predict on the same corpus version as the gold documents"),
        ("unresolved-mention", "A quote or argument names a mention id the document lacks.",
         "run `dateline validate` on the file"),
        ("streams-out-of-order", "Streamed gold and predicted files are in different "
         "document orders, past the pairing buffer.",
         "sort both files by id the same way, or score in memory"),
        ("too-many-candidates", "A document has more candidate pairs of overlapping gold and "
         "predicted spans than the matching's limit ($DATELINE_MAX_CANDIDATES, default "
         "1,000,000).", "remove overlapping duplicate predictions, or raise "
         "$DATELINE_MAX_CANDIDATES"),
        ("signature-mismatch", "This run's signature differs from the one given: its numbers "
         "are not comparable with those of the given signature.",
         "rerun with the settings, corpus and protocol the signature names"),
        ("compare-no-system", "A comparison was asked for no system.",
         "give one or more prediction files"),
        ("compare-documents-differ", "The compared systems were scored on different documents.",
         "score every system against the same gold documents"),
        ("compare-fields-differ", "The compared results come from different scorers or settings.",
         "compare results of the same scorer and settings")),
    *_entries("scoring", _U,
        ("unknown-layer", "A layer that is not registered (entities, events, quotes, or one "
         "registered with dateline.evaluation.register_layer).",
         "use entities, events or quotes"),
        ("bad-signature", "A reproducibility signature that cannot be read.",
         "copy the signature whole from a report's JSON or table footer"),
        ("unknown-metric", "A metric name that the layer's scores do not have.",
         "use a flat metric name such as strict.f1 or quote.f1 (each layer's JSON lists its "
         "names under scores)"),
        ("layer-registered", "A layer of that name is registered already.",
         "choose another name, or register it with replace=True"),
        ("unknown-mode", "An entity scoring mode that does not exist.",
         "use strict, exact, partial or type"),
        ("unknown-baseline", "The reference (--reference, formerly --baseline) is not among "
         "the compared systems.", "give --reference one of the system names"),
        ("unknown-meta-field", "A breakdown field that is not a document metadata field.",
         "use a field of Document.meta (genre, collection, publisher, ...)"),
        ("bad-overlap-threshold", "A minimum overlap outside [0, 1].",
         "give a fraction such as 0.5"),
        ("bad-overlap-basis", "An overlap basis other than gold, pred or union.",
         "use gold, pred or union")),
    *_entries("corpus", _D,
        ("corpus-not-built", "The corpus has not been built (no data files or statistics).",
         "run `dateline corpus build`"),
        ("card-missing", "The dataset card corpus/README.md cannot be read.",
         "restore corpus/README.md from git"),
        ("card-malformed", "The dataset card has no valid YAML front matter.",
         "restore corpus/README.md from git"),
        ("card-version", "The card's configs do not share one version X.Y.Z.",
         "write the same version in every config of the card"),
        ("lock-missing", "The source lock (corpus/sources.lock) is missing.",
         "run `dateline corpus lock` to pin the sources"),
        ("lock-malformed", "The source lock (corpus/sources.lock) is not JSON, or not an "
         "object with a list of sources (name, repository, commit, files).",
         "restore corpus/sources.lock from git, or run `dateline corpus lock`"),
        ("stats-malformed", "The corpus statistics (corpus/stats.json) are not JSON, or lack "
         "the parts a build writes.",
         "rebuild with `dateline corpus build` (or restore corpus/stats.json from git)"),
        ("split-overlap", "A document is listed in two split files.",
         "keep one line per document in corpus/splits/*.txt"),
        ("coverage-audit-failed", "A layer claims exhaustive coverage that its coverage audit "
         "contradicts (too many likely items lie in no annotation).",
         "declare the layer's coverage partial, annotate what is missing, or name the reason "
         "in the source's audit exemptions"),
        ("license-unknown", "A document's licence is not one of the SPDX identifiers the card "
         "knows.", "set the SPDX identifier in the source's importer"),
        ("folds-changed", "The published cross-validation folds are not the corpus's folds.",
         "rebuild the corpus with `dateline corpus build` (folds are generated)"),
        ("splits-changed", "The split lists (corpus/splits/*.txt) differ from the sources' splits.",
         "run `dateline corpus build --update` to accept the new splits"),
        ("splits-mismatch", "The built documents and the split lists differ.",
         "run `dateline corpus build --update` to rewrite the splits"),
        ("token-misaligned", "A named mention does not start and end on token boundaries.",
         "correct the mention's offsets (or the tokenizer)"),
        ("built-data-invalid", "The built data files fail validation.",
         "fix the importer that produced the incidents"),
        ("manifest-missing", "The MANIFEST is missing, so the built files cannot be checked.",
         "restore corpus/MANIFEST from git, then `dateline corpus build`"),
        ("manifest-malformed", "A line of corpus/MANIFEST is not '<sha256>  <path>'.",
         "restore corpus/MANIFEST from git"),
        ("manifest-mismatch", "A build's files differ from corpus/MANIFEST.",
         "if deliberate, run `dateline corpus build --update` and bump the version"),
        ("built-file-missing", "A file listed in MANIFEST is missing.", _REBUILD),
        ("built-file-unlisted", "A built file is not listed in MANIFEST.",
         "delete it and " + _REBUILD),
        ("built-file-mismatch", "A built file's sha256 differs from MANIFEST (edited by hand?).",
         _REBUILD)),
    *_entries("corpus", _U,
        ("unknown-split", "A split that is not train, validation or test.",
         "use train, validation or test"),
        ("unknown-config", "A corpus config that does not exist, or holds no Documents.",
         "use config 'default' (Documents) or 'tokens'"),
        ("no-corpus", "The corpus loader (dateline.loading) cannot be imported.",
         "pass the documents as a file")),
    *_entries("sources", _D,
        ("sources-missing", "The sources folder, or a source's folder in it, does not exist.",
         "pass --sources DIR or set $DATELINE_SOURCES"),
        ("source-missing", "A pinned source file cannot be read.",
         "restore the pinned sources (see corpus/sources.lock)"),
        ("source-unlocked", "A source file is not pinned in corpus/sources.lock.",
         "run `dateline corpus lock` to pin it, and commit the lock"),
        ("source-hash-mismatch", "A source file's sha256 differs from the lock.",
         "restore the pinned file, or re-pin deliberately and bump the corpus version"),
        ("source-not-utf8", "A source file is not UTF-8.", _RESTORE),
        ("malformed-conllu", "A CoNLL-U source line is malformed.", _RESTORE),
        ("malformed-conll", "A MEANTIME CoNLL source line is malformed.", _RESTORE),
        ("malformed-entity", "A GUM entity annotation is malformed or unbalanced.", _RESTORE),
        ("malformed-rst", "A GUM RST file is not well-formed.", _RESTORE),
        ("gum-rst-mismatch", "A GUM RST file and its CoNLL-U file disagree on the tokens.",
         _RESTORE),
        ("meantime-mismatch", "A MEANTIME mention disagrees with its tokens.", _RESTORE),
        ("unknown-source-label", "A source's entity type has no mapping to a dateline label.",
         "map it in the source's importer (dateline/sources/) and in corpus/GUIDELINES.md"),
        ("fetch-failed", "A git command fetching a source repository failed.",
         "check the network and the repository URL (--repo NAME=URL)"),
        ("fetch-file-missing", "A locked file is not in the fetched source repository.",
         "check the lock's repository, path and commit"),
        ("fetch-hash-mismatch", "A fetched file's sha256 differs from the lock.",
         "check --repo and the lock; nothing was written"),
        ("fetch-target-exists", "The fetch target holds files that do not match the lock.",
         "remove that folder (or choose another) to fetch it again")),
    *_entries("annotations", _D,
        ("annotation-missing", "A source's annotation file is missing.",
         "restore corpus/annotations/ from git"),
        ("annotation-unreadable", "An annotation file cannot be read.", "check the path"),
        ("annotation-not-standoff", "An annotation file holds text (or no text_sha256).",
         "write it with `dateline adjudicate`, or as dateline.schemas.standoff_json"),
        ("annotation-file-name", "An annotation file is not named after the document it annotates.",
         "name the file DOC_ID.json"),
        ("annotation-unknown-document", "An annotation file annotates no corpus document.",
         "correct the id, or remove the file"),
        ("annotation-document-missing", "No text is at hand for the document a file annotates.",
         "build the corpus, or pass the documents that were annotated"),
        ("annotation-text-changed", "An annotation was made on another text (sha256 differs).",
         "re-annotate the document on its current text"),
        ("annotation-invalid", "A document fails validation once its annotation is applied.",
         "correct the annotation file (a layer is replaced whole)"),
        ("annotation-meta-conflict", "An annotation's metadata contradicts its source file.",
         "set the field to null: the source gives it")),
    *_entries("release", _D,
        ("release-not-git", "The corpus folder is not inside a git repository.",
         "release from a clone of the corpus repository"),
        ("release-dirty-tree", "The repository has uncommitted changes.",
         "commit or remove them: a release is built from committed files"),
        ("git-missing", "The git program is not installed.", "install git"),
        ("git-failed", "A git command failed.", "read git's message; check the repository"),
        ("revision-not-buildable", "A git revision has no buildable pyproject.toml.",
         "diff built folders instead"),
        ("revision-build-failed", "Building the corpus of a git revision failed.",
         "check the sources match that revision's lock, or diff built folders"),
        ("duplicate-id", "A document id appears twice in a built corpus.",
         _REBUILD),
        ("export-bad-token", "A token is empty or holds whitespace, which CoNLL cannot write.",
         "fix the tokenization of the source importer"),
        ("export-text-mismatch", "The spaCy Doc does not rebuild the document text.",
         "report this as a bug of `dateline corpus export`"),
        ("export-misaligned", "A BIO span does not fall on spaCy tokens.", _REBUILD)),
    *_entries("release", _U,
        ("release-bad-version", "A release version that is not X.Y.Z.",
         "e.g. dateline corpus release 0.2.0"),
        ("release-version-not-greater", "A release version not greater than the current one.",
         "choose a greater version"),
        ("release-bad-date", "A release date that is not YYYY-MM-DD.",
         "write the date as YYYY-MM-DD"),
        ("release-tag-exists", "The release's git tag exists already.", "choose another version"),
        ("release-no-previous", "No tag marks a previous release to diff against.",
         "tag the previous release, or pass --since REV"),
        ("release-no-issue", "No issue is linked to the changes of a release.",
         "pass --issue N, or reference (#N) in the commit messages"),
        ("unknown-revision", "Neither a folder nor a git revision.",
         "pass a built folder, a tag (corpus-vX.Y.Z) or a commit"),
        ("diff-not-built", "A folder to diff holds no built Documents.",
         "pass a built corpus folder, a git tag or a commit"),
        ("export-target-not-empty", "The export folder exists and is no earlier export.",
         "choose a new or empty folder")),
    *_entries("studio", _D,
        ("studio-api-error", "The Label Studio server answered with an error.",
         "read the server's message"),
        ("studio-ambiguous-project", "Several Label Studio projects have the same title.",
         "rename all but one in Label Studio"),
        ("studio-export-timeout", "A Label Studio export was not ready in time.", "retry later"),
        ("studio-export-failed", "A Label Studio export failed on the server.",
         "look at the server log"),
        ("studio-bad-pull-file", "A pulled file is no stand-off annotation.",
         "delete the file and pull again"),
        ("studio-path-clash", "Two annotations of one pull would be written to one file.",
         "rename one of the documents or annotators in Label Studio"),
        ("studio-id-clash", "An item id clashes with a derived Label Studio region id.",
         "rename the item (ids ending in -p1, -cue, -speaker, -a0 are reserved)"),
        ("prediction-text-differs", "A prediction's text differs from its document's.",
         "predict on the same corpus version"),
        ("agreement-text-differs", "Annotators of one document saw different texts.",
         "pull the annotations again from one project"),
        ("adjudicate-foreign-file", "The adjudication target is no annotation of that document.",
         "move it, or pass --out"),
        ("studio-duplicate-pull", "Two pulled files hold one document's annotation by one "
         "annotator.", "pull the project again, or delete the older file"),
        ("studio-address-in-file", "A pulled file names its annotator by e-mail address.",
         "pull the project again: the pull renames it to the pseudonymous id")),
    *_entries("studio", _U,
        ("studio-sdk-missing", "The Label Studio SDK is not installed.",
         "pip install 'dateline[studio]'"),
        ("studio-no-token", "No Label Studio API token is set.",
         "export LABEL_STUDIO_API_KEY=<your token>"),
        ("studio-unauthorized", "The Label Studio server refused the token.",
         "set LABEL_STUDIO_API_KEY to a valid access token"),
        ("studio-unreachable", "The Label Studio server cannot be reached.",
         "start the server or correct --url"),
        ("studio-no-project", "No Label Studio project has the given title.",
         "push documents first, or check the title"),
        ("studio-no-model-version", "Predictions without a model version.",
         "pass --model-version NAME-VERSION"),
        ("studio-bad-export", "A file is no Label Studio JSON export.",
         "export as JSON (a list of tasks), not JSON_MIN or CSV"),
        ("studio-bad-users-file", "A file of Label Studio users is not their JSON list.",
         "save the server's answer to GET /api/users/ as the file"),
        ("studio-no-pulls", "The folder of pulled annotations does not exist.",
         "run `dateline studio pull` first, or pass the folder of the pulled annotations"),
        ("studio-empty-pulls", "The folder of pulled annotations holds no annotation file.",
         "run `dateline studio pull` first, or pass the folder of the pulled annotations"),
        ("unknown-policy", "An adjudication policy that does not exist.",
         "run `dateline adjudicate --help` for the policies"),
        ("no-adjudicator", "The adjudicator policy was given no adjudicator.",
         "pass --adjudicator NAME"),
        ("studio-server-no-install", "No Label Studio server install was found.",
         "install label-studio in its own venv and pass --label-studio PATH"),
        ("studio-server-data-in-repo", "The server's data folder is inside a git work tree.",
         "pass a --data-dir outside the repository"),
        ("studio-server-data-in-use", "The data folder holds a database dateline did not make.",
         "pass a new --data-dir"),
        ("studio-server-not-initialised", "No server was initialised in the data folder.",
         "run `dateline studio server init`"),
        ("studio-server-bad-state", "A state file of the local server cannot be read.",
         "delete the file"),
        ("studio-server-port-busy", "The server's port is taken.", "pass a free --port"),
        ("studio-server-init-failed", "Label Studio's own init command failed.", "read its log"),
        ("studio-server-start-failed", "The server exited or did not answer in time.",
         "read its log; pass a longer --timeout"),
        ("studio-server-login-failed", "The server refused the first user's password.",
         "initialise a new --data-dir"),
        ("studio-server-token-exists", "The user has a personal access token already.",
         "revoke it in Label Studio, then run init again"),
        ("unknown-adjudicator", "The adjudicator annotated none of the pulled documents.",
         "pass one of the annotators the message lists (or their e-mail address)"),
        ("studio-no-annotator-key", "No team key to make pseudonymous annotator ids with.",
         "create ~/.config/dateline/annotator-key (chmod 600) or set DATELINE_ANNOTATOR_KEY"),
        ("studio-weak-annotator-key", "The team key for annotator ids is too short.",
         "use at least 16 random characters (secrets.token_hex(32))"),
        ("studio-key-readable", "The team key file can be read by other users.",
         "chmod 600 the key file"),
        ("studio-key-in-repository", "The team key file lies inside the repository or corpus.",
         "move it out, e.g. to ~/.config/dateline/annotator-key")),
    *_entries("convert", _D,
        ("convert-malformed", "A line or record of a file to convert cannot be read in its "
         "format (a bad tag, too few columns, a malformed brat line or OneIE record).",
         "correct the line the message names"),
        ("convert-bad-offset", "A stand-off span lies outside its text, or its text differs "
         "from the text at its offsets.",
         "correct the offsets (a text read with other line ends shifts every offset)"),
        ("convert-bad-reference", "An annotation names an annotation id the file lacks.",
         "correct the id, or add the annotation it names"),
        ("convert-duplicate-id", "Two converted documents get the same id.",
         "give every document its own id"),
        ("convert-invalid", "A converted document fails validation.",
         "correct the source item the message names"),
        ("map-malformed", "The map file is not JSON, or not of the map file's shape.",
         "write an object with entities, events, roles and quotes sections"),
        ("map-unknown-label", "The map file maps a label to a name outside schemas/labels.json.",
         "map it to a dateline label, or to null to drop it")),
    *_entries("convert", _U,
        ("convert-no-input", "No file of the format was found in the inputs.",
         "name the files, or a folder holding them")),
    *_entries("baselines", _D,
        ("model-unreadable", "A trained model cannot be read.",
         "retrain with `dateline train NAME --force`"),
        ("no-training-data", "An extractor found no documents it can learn from in the "
         "training (or validation) documents.",
         "train on documents with the gold layer the extractor learns (see its docs)")),
    *_entries("baselines", _U,
        ("protocol-refuses-trained", "An extractor that trains on the corpus was asked to be "
         "scored under the all protocol, on documents it trained on.",
         "use --protocol cv (or test) for extractors that train on the corpus"),
        ("unknown-protocol", "An evaluation protocol other than test, all or cv.",
         "use --protocol test, all or cv"),
        ("unknown-extractor", "No extractor has that name.",
         "run `dateline extractors` to list them"),
        ("extractor-unavailable", "An extractor cannot be loaded (a missing package or model?).",
         "install what the message names"),
        ("not-an-extractor", "A registered extractor is no Extractor (name, version, extract).",
         "implement the dateline.baselines.Extractor protocol"),
        ("bad-setting", "An extractor setting that is malformed or unknown.",
         "check the setting names (`dateline extractors --verbose` lists them)"),
        ("extractor-not-trained", "An extractor that learns has no trained model.",
         "run `dateline train NAME`"),
        ("not-trainable", "An extractor that learns nothing was asked to train.",
         "use it directly: `dateline predict NAME ...`")),
]

CODES: dict[str, ErrorCode] = {e.code: e for e in sorted(_ALL, key=lambda e: e.code)}
assert len(CODES) == len(_ALL), "a code is registered twice"


def error_code(code: str) -> ErrorCode:
    """The registry entry of ``code``; a ``ValueError`` (a programming error) when unknown.

    >>> error_code("usage").exit_code
    2
    >>> error_code("no-such-path")
    Traceback (most recent call last):
    ...
    ValueError: unregistered error code 'no-such-path' (did you mean 'no-such-file'?); ...
    """
    if not isinstance(code, str):
        raise TypeError(f"an error code is a str, got {type(code).__name__}")
    entry = CODES.get(code)
    if entry is None:
        close = difflib.get_close_matches(code, CODES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unregistered error code {code!r}{hint}; register it in "
                         "schemas/codes.py")
    return entry
