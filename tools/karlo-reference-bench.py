#!/usr/bin/env python3
"""PyTorch reference timing of Karlo v1.0 alpha's networks, for comparison with unclip4j.

Mirrors `./unclip4j bench pipeline --config karlo --random-weights`: each stage's network is built
at full size with random (default-init) weights, one stage at a time (build, time, free), and only
its network evaluations are timed, on the same guided batches and step counts:

  text     CLIP ViT-L/14 text tower, 2B rows of 77 tokens, 1 evaluation
  prior    PriorTransformer (configs/prior_1B_vit_l.yaml), 2B rows, 25 evaluations
  decoder  PLMImUNet (configs/decoder_900M_vit_l.yaml), 2B rows of 3x64x64, 25 (fast) / 50 (default)
  sr       two SuperResUNetModel (configs/improved_sr_64_256_1.4B.yaml), B rows of 3x256x256,
           7 evaluations: model_first_steps for all but the last, model_last_step for the last
           (GaussianDiffusion.p_sample_loop_progressive_for_improved_sr)

Timesteps are spread over 999..0 as in our bench; inputs are random except the token mask, which
is that of our bench's prompt (12 tokens) and the empty unconditional prompt (2 tokens).

The networks come from kakaobrain/karlo itself, IMPORTED from a clone named by $KARLO_PATH (a
git-ignored checkout carried to the GPU machine; its code is never copied into this repository).
karlo.models.* is not imported (it needs omegaconf and openai's `clip`); the nn modules are built
from karlo.modules with the YAML hparams exactly as karlo/models/*.py build them. The text tower is
a stand-in: transformers' CLIPTextModelWithProjection with ViT-L/14's text configuration.

By default the networks run as Karlo's T2ISampler runs them: fp32 parameters under torch.no_grad()
and fp16 autocast. --dtype fp32 runs without autocast and keeps PyTorch's defaults: cuDNN convolutions
may use TF32, matmuls do not (both flags are printed on the first line). Usage:

  KARLO_PATH=/path/to/karlo python3 tools/karlo-reference-bench.py [--device cuda|cpu]
      [--quality fast|default] [--steps N] [--warmup 1] [--batch 1]
      [--stages text,prior,decoder,sr] [--dtype fp16-autocast|fp32|bf16-autocast] [--seed 0]

Last line: reference <device> <dtype> total <s> s (timed evaluations only).
"""
import argparse, contextlib, gc, os, resource, subprocess, sys, time

STAGES = ("text", "prior", "decoder", "sr")
CONTEXT, CLIP_DIM = 77, 768           # CLIP ViT-L/14: text context, embedding (= text width)
PROMPT_TOKENS, EMPTY_TOKENS = 12, 2   # "a photo of a baby puppy waiting for her mom" with sot/eot; ""
PRIOR_GUIDANCE, DECODER_GUIDANCE = 4.0, 8.0  # Karlo's SAMPLING_CONF (the arithmetic is timed, it is tiny)


def fail(msg):
    print(f"karlo-reference-bench: {msg}", file=sys.stderr, flush=True)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--quality", default="default", choices=["fast", "default"])
    p.add_argument("--steps", type=int, help="evaluations per diffusion stage (text runs once)")
    p.add_argument("--warmup", type=int, default=1, help="untimed evaluations per stage")
    p.add_argument("--batch", type=int, default=1, help="images per generation, B")
    p.add_argument("--stages", default=",".join(STAGES))
    p.add_argument("--dtype", default="fp16-autocast", choices=["fp16-autocast", "fp32", "bf16-autocast"])
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    a.stages = [s.strip() for s in a.stages.split(",") if s.strip()]
    bad = [s for s in a.stages if s not in STAGES]
    if bad or a.batch < 1 or a.warmup < 0 or (a.steps is not None and a.steps < 1):
        p.error(f"--stages takes {','.join(STAGES)} (got {bad}); --batch, --steps >= 1; --warmup >= 0")
    return a


def import_karlo():
    """Puts $KARLO_PATH on sys.path and returns (karlo path, PriorTransformer, PLMImUNet, SuperResUNetModel)."""
    path = os.environ.get("KARLO_PATH")
    if not path:
        fail("KARLO_PATH is not set: point it at a clone of github.com/kakaobrain/karlo")
    if not os.path.isdir(os.path.join(path, "karlo", "modules")) or not os.path.isdir(os.path.join(path, "configs")):
        fail(f"KARLO_PATH={path} holds no karlo/modules and configs/ (a clone of kakaobrain/karlo is expected)")
    sys.path.insert(0, os.path.abspath(path))
    try:
        from karlo.modules.xf import PriorTransformer
        from karlo.modules.unet import PLMImUNet, SuperResUNetModel
    except Exception as e:  # a missing dependency, or a karlo that moved its modules
        fail(f"cannot import karlo.modules from {path}: {type(e).__name__}: {e}")
    return path, PriorTransformer, PLMImUNet, SuperResUNetModel


def hparams(karlo, name):
    import yaml
    with open(os.path.join(karlo, "configs", name)) as f:
        return yaml.safe_load(f)["model"]["hparams"]


def timestep(i, n):
    """Original timestep of evaluation i of n, spread over 999..0 like a respaced schedule."""
    return 999 if n == 1 else round(999 * (n - 1 - i) / (n - 1))


def main():
    args = parse_args()
    karlo, PriorTransformer, PLMImUNet, SuperResUNetModel = import_karlo()
    try:
        import torch, yaml  # noqa: F401 (yaml: read by hparams)
    except ImportError as e:
        fail(f"{e.name} is not installed")

    dev = torch.device(args.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        fail("--device cuda but torch.cuda.is_available() is false")
    cuda = dev.type == "cuda"
    B, g = args.batch, torch.Generator().manual_seed(args.seed)

    def randn(*shape):  # seeded on the CPU, then moved: the same inputs on every device
        return torch.randn(*shape, generator=g).to(dev)

    def sync():
        if cuda:
            torch.cuda.synchronize()

    # Token mask of the guided rows: B prompt rows, then B unconditional rows (as t2i.py concatenates them).
    mask = torch.zeros(2 * B, CONTEXT, dtype=torch.bool)
    mask[:B, :PROMPT_TOKENS] = True
    mask[B:, :EMPTY_TOKENS] = True
    mask = mask.to(dev)

    def ts(rows, i, n):
        return torch.full((rows,), timestep(i, n), dtype=torch.long, device=dev)

    def guided(net, x, scale, t, **kw):
        """One evaluation as Karlo's guided_model_fn: the first half of the rows twice, then eps mixed by the scale."""
        half = x[: len(x) // 2]
        out = net(torch.cat([half, half]), t, **kw)
        c = x.shape[1]  # eps channels; the decoder's learned variance follows them
        cond, uncond = out[:, :c].chunk(2)
        mixed = uncond + scale * (cond - uncond)
        return torch.cat([torch.cat([mixed, mixed]), out[:, c:]], dim=1)

    def build(stage):
        """Returns (modules, rows, evaluate(i, n)); the modules are what the stage keeps resident."""
        if stage == "text":
            from transformers import CLIPTextConfig, CLIPTextModelWithProjection
            cfg = CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                 num_attention_heads=12, max_position_embeddings=CONTEXT, hidden_act="quick_gelu",
                                 projection_dim=CLIP_DIM, bos_token_id=49406, eos_token_id=49407, pad_token_id=0)
            net = CLIPTextModelWithProjection(cfg)
            print("text: stand-in for openai CLIP ViT-L/14's text tower (not installed): transformers "
                  "CLIPTextModelWithProjection, same architecture (width 768, 12 layers, 12 heads, context 77)", flush=True)
            tok = torch.zeros(2 * B, CONTEXT, dtype=torch.long)  # sot, random tokens, eot, zero padding (Karlo's tokenizer)
            tok[:B, 1:PROMPT_TOKENS - 1] = torch.randint(0, 49406, (B, PROMPT_TOKENS - 2), generator=g)
            tok[:, 0] = 49406
            tok[:B, PROMPT_TOKENS - 1] = tok[B:, EMPTY_TOKENS - 1] = 49407
            tok = tok.to(dev)
            # Karlo's encode_text returns the projected EOT feature and the whole final-LN sequence: both are here.
            return [net], 2 * B, lambda i, n: net(input_ids=tok)
        if stage == "prior":  # karlo/models/prior_model.py
            h = hparams(karlo, "prior_1B_vit_l.yaml")
            net = PriorTransformer(text_ctx=h["text_ctx"], xf_width=h["xf_width"], xf_layers=h["xf_layers"],
                                   xf_heads=h["xf_heads"], xf_final_ln=h["xf_final_ln"], clip_dim=h["clip_dim"])
            n_ctx = h["text_ctx"] + 4  # get_causal_mask: -inf above the diagonal, [1, 81, 81]
            causal = torch.full((n_ctx, n_ctx), float("-inf")).triu_(1)[None].to(dev)
            x, emb, seq = randn(2 * B, h["clip_dim"]), randn(2 * B, CLIP_DIM), randn(2 * B, CONTEXT, CLIP_DIM)
            return [net], 2 * B, lambda i, n: guided(net, x, PRIOR_GUIDANCE, ts(2 * B, i, n), text_emb=emb,
                                                      text_enc=seq, mask=mask, causal_mask=causal)
        if stage == "decoder":  # karlo/models/decoder_model.py, create_plm_dec_model
            h = hparams(karlo, "decoder_900M_vit_l.yaml")
            size = h["image_size"]
            mult = ({256: (1, 1, 2, 2, 4, 4), 128: (1, 1, 2, 3, 4), 64: (1, 2, 3, 4)}[size] if h["channel_mult"] == ""
                    else tuple(int(m) for m in h["channel_mult"].split(",")))
            attention_ds = tuple(size // int(r) for r in h["attention_resolutions"].split(","))
            net = PLMImUNet(text_ctx=h["text_ctx"], xf_width=h["xf_width"], in_channels=3,
                            model_channels=h["num_channels"], out_channels=6 if h["learn_sigma"] else 3,
                            num_res_blocks=h["num_res_blocks"], attention_resolutions=attention_ds,
                            dropout=h["dropout"], channel_mult=mult, num_heads=h["num_heads"],
                            num_head_channels=h["num_head_channels"], num_heads_upsample=h["num_heads_upsample"],
                            use_scale_shift_norm=h["use_scale_shift_norm"], resblock_updown=h["resblock_updown"],
                            clip_dim=h["clip_dim"], clip_emb_mult=h["clip_emb_mult"],
                            clip_emb_type=h["clip_emb_type"], clip_emb_drop=h["clip_emb_drop"])
            # cf_param is created with torch.empty (the checkpoint fills it): give it values, not stale memory.
            torch.nn.init.normal_(net.cf_param)
            x, emb, seq = randn(2 * B, 3, size, size), randn(2 * B, CLIP_DIM), randn(2 * B, CONTEXT, CLIP_DIM)
            img = randn(B, h["clip_dim"])

            def evaluate(i, n):  # y: the prior's image features, then cf_param for the unconditional rows
                y = torch.cat([img, net.cf_param.unsqueeze(0).expand(B, -1)])
                return guided(net, x, DECODER_GUIDANCE, ts(2 * B, i, n), txt_feat=emb, txt_feat_seq=seq,
                              mask=mask, y=y)
            return [net], 2 * B, evaluate
        # sr: karlo/models/sr_64_256.py; low_res is the decoder's 64 px image resized to 256 (t2i.py)
        h = hparams(karlo, "improved_sr_64_256_1.4B.yaml")
        nets = [SuperResUNetModel(in_channels=3, model_channels=h["channels"], out_channels=3,
                                  num_res_blocks=h["depth"], attention_resolutions=(), dropout=h["dropout"],
                                  channel_mult=h["channels_multiple"], resblock_updown=True,
                                  use_middle_attention=False) for _ in range(2)]  # model_first_steps, model_last_step
        x, low = randn(B, 3, 256, 256), randn(B, 3, 256, 256)
        return nets, B, lambda i, n: nets[1 if i == n - 1 else 0](x, ts(B, i, n), low_res=low)

    def evaluations(stage):
        if stage == "text":
            return 1
        if args.steps is not None:
            return args.steps
        return {"prior": 25, "decoder": 25 if args.quality == "fast" else 50, "sr": 7}[stage]

    def autocast():
        if args.dtype == "fp32":
            return contextlib.nullcontext()
        return torch.autocast(dev.type, dtype=torch.float16 if args.dtype == "fp16-autocast" else torch.bfloat16)

    def git(*cmd):
        return subprocess.run(["git", "-C", karlo, *cmd], capture_output=True, text=True, timeout=10).stdout.strip()
    try:  # only the clone's own HEAD: a copy without .git inside another repository must not report that one's
        top = git("rev-parse", "--show-toplevel")
        commit = git("rev-parse", "HEAD") if top and os.path.samefile(top, karlo) else "unknown"
    except Exception:
        commit = "unknown"
    if commit == "unknown" and os.path.isfile(os.path.join(karlo, "COMMIT")):  # an export by tools/gpu-prepare.sh
        with open(os.path.join(karlo, "COMMIT")) as f:
            commit = f.read().strip()
    name = torch.cuda.get_device_name(dev) if cuda else f"cpu ({torch.get_num_threads()} threads)"
    tf32 = f", tf32 matmul {torch.backends.cuda.matmul.allow_tf32} cudnn {torch.backends.cudnn.allow_tf32}" if cuda else ""
    print(f"karlo reference bench: torch {torch.__version__}, device {name}, {args.dtype}{tf32}, batch {B}, "
          f"warm-up {args.warmup}, seed {args.seed}, karlo {commit}", flush=True)

    total = 0.0
    for stage in args.stages:
        torch.manual_seed(args.seed)  # the default initialisers draw from the global generator
        if cuda:
            torch.cuda.reset_peak_memory_stats(dev)
        t0 = time.perf_counter()
        try:
            modules, rows, evaluate = build(stage)
        except ImportError as e:  # only the text stand-in has an optional dependency (transformers)
            print(f"{stage:<7} skipped: {type(e).__name__}: {e}", flush=True)
            continue
        for m in modules:
            m.to(dev).eval()  # parameters stay fp32: autocast casts per op, as in Karlo's sampler
        sync()
        build_s = time.perf_counter() - t0
        params = sum(p.numel() for m in modules for p in m.parameters())
        n = evaluations(stage)
        with torch.no_grad(), autocast():
            for _ in range(args.warmup):
                evaluate(0, n)
            sync()
            t1 = time.perf_counter()
            for i in range(n):
                evaluate(i, n)
            sync()
            seconds = time.perf_counter() - t1
        total += seconds
        if cuda:
            peak = f"peak {torch.cuda.max_memory_allocated(dev) / 2**30:.2f} GiB"
        else:  # ru_maxrss is KiB on Linux and never goes down: the process's high-water mark so far
            peak = f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB (process)"
        print(f"{stage:<7} rows {rows}  evals {n}  {seconds:.3f} s ({seconds / n:.3f} s/eval, {n / seconds:.2f} evals/s)"
              f"  params {params / 1e9:.3f} B  {peak}  build {build_s:.1f} s", flush=True)
        del modules, evaluate
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
    print(f"reference {args.device} {args.dtype} total {total:.3f} s", flush=True)


if __name__ == "__main__":
    main()
