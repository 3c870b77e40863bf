"""`flask router train | predict | evaluate`: build, try and measure the router from the shell."""
import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

router_cli = AppGroup("router", help="Train, try and evaluate the submission router.")


def _models_dir() -> Path:
    return Path(current_app.config["ROUTER_MODELS_DIR"])


@router_cli.command("train")
@click.option("--if-missing", is_flag=True, help="Do nothing when an active router already exists.")
@click.option("--activate/--no-activate", default=True, help="Make the new version the active one.")
def train_command(if_missing: bool, activate: bool) -> None:
    """Train on the seed corpus plus staff corrections, save a new version and print its validation metrics."""
    from gwangju_civic.routing.training import train, training_examples

    if if_missing and (_models_dir() / "ACTIVE").exists():
        click.echo(f"router: active version {(_models_dir() / 'ACTIVE').read_text().strip()} kept")
        return
    examples = training_examples()
    click.echo(f"training on {len(examples)} examples ({sum(e.weight > 1 for e in examples)} corrections)")
    router = train(examples)
    path = router.save(_models_dir(), activate=False)
    if activate:
        _activate(router.version)
    click.echo(f"saved {path}{' (active)' if activate else ''}")
    click.echo(json.dumps(router.metrics, indent=2, ensure_ascii=False))


def _activate(name: str) -> None:
    """Record the activation in the database: every web and queue worker switches within seconds."""
    from gwangju_civic.extensions import db
    from gwangju_civic.routing import activation

    activation.activate(_models_dir(), name, actor="flask router")
    db.session.commit()
    current_app.extensions["router"].reset()


@router_cli.command("activate")
@click.argument("version")
def activate_command(version: str) -> None:
    """Make VERSION (a folder under the models directory) the router every process uses, without restarts."""
    try:
        _activate(version)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"router {version} is active; running processes switch within seconds")


@router_cli.command("predict")
@click.argument("text")
@click.option("--kind", type=click.Choice(["problem", "idea"]), default="problem")
def predict_command(text: str, kind: str) -> None:
    """Route one text with the active router and print every head, its alternatives and nearest examples."""
    from gwangju_civic.routing.service import current_router

    routing = current_router().route(text, kind=kind)
    click.echo(json.dumps(routing.to_dict(), indent=2, ensure_ascii=False))


@router_cli.command("evaluate")
@click.option("--train", "train_path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--test", "test_path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="label", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line.")
def evaluate_command(train_path: str, test_path: str, text_column: str, label_column: str, as_json: bool) -> None:
    """Train a fresh router of the same design on a labelled CSV and compare it with a TF-IDF + SVM baseline."""
    from gwangju_civic.routing.evaluation import evaluate, read_labelled_csv

    train = read_labelled_csv(Path(train_path), text_column, label_column)
    test = read_labelled_csv(Path(test_path), text_column, label_column)
    result = evaluate(train, test)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for name, figures in result.items():
        click.echo(
            f"{name:9} accuracy {figures['accuracy']:.3f}  macro-F1 {figures['macro_f1']:.3f}  "
            f"coverage@90% {figures['coverage_at_90_precision']:.3f}  train {figures['train_seconds']:.1f}s  "
            f"p50 {figures['latency_ms_p50']:.1f} ms  p95 {figures['latency_ms_p95']:.1f} ms"
        )


@router_cli.command("similarity")
@click.option("--pairs", "pairs_path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--a-column", default="text_a", show_default=True)
@click.option("--b-column", default="text_b", show_default=True)
@click.option("--score-column", default="score", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line.")
def similarity_command(pairs_path: str, a_column: str, b_column: str, score_column: str, as_json: bool) -> None:
    """Measure the similarity component on scored pairs: Spearman and duplicate ROC-AUC, against char TF-IDF."""
    from gwangju_civic.routing.similarity import current_similarity
    from gwangju_civic.routing.similarity_eval import measure, read_pairs

    try:
        a_texts, b_texts, scores = read_pairs(Path(pairs_path), a_column, b_column, score_column)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    result = measure(current_similarity(), a_texts, b_texts, scores)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for name, figures in result.items():
        click.echo(f"{name:10} Spearman {figures['spearman']:.4f}  duplicate ROC-AUC {figures['duplicate_roc_auc']}  "
                   f"({figures['pairs']} pairs)")
