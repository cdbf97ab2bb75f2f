"""Writes Tests/Vectors/dfc-teacher-torch.json: torch 2.1.0's CPU generator and the DFC teacher data, as the
official code draws them, for Sources/Numerics/TorchRandom.swift and SyntheticRegression.dfcTeacherOfficial.
Run from the repository root, with torch 2.1.0 (the CUDA wheel from PyPI runs on CPU; it needs its nvidia-* wheels
to import) and a checkout of meulemansalex/deep_feedback_control (its utils.builders.generate_data_from_teacher is
called as is; it needs tensorboardX, pandas, matplotlib and torchvision 0.16 to import):

    pip install --target /tmp/torch21 torch==2.1.0 "numpy<2"
    pip install --target /tmp/torchextra tensorboardX pandas matplotlib; pip install --no-deps --target /tmp/torchextra torchvision==0.16.0 pillow
    PYTHONPATH=/tmp/torch21:/tmp/torchextra:PATH/TO/deep_feedback_control python3 Tests/Vectors/generators/dfc_teacher_torch.py
"""
import json, types
import numpy as np
import torch

out = {"torch": torch.__version__}
torch.set_default_tensor_type('torch.FloatTensor')   # main.py, student-teacher branch, double precision
torch.set_default_dtype(torch.float64)
torch.manual_seed(42)
out["manual_seed(42): normal_(0, 1) on 40 float64 (bits)"] = [int(v) for v in torch.empty(40).normal_(0, 1).numpy().view(np.uint64)]
out["then normal_(0.5, 2) on 37 float64 (bits)"] = [int(v) for v in torch.empty(37).normal_(0.5, 2).numpy().view(np.uint64)]

from utils import builders
args = types.SimpleNamespace(random_seed=42, double_precision=True)
tx, sx, vx, ty, sy, vy = builders.generate_data_from_teacher(args, num_train=5000, num_test=1000, n_in=15, n_out=5,
                                                             n_hidden=[1000, 1000, 1000, 1000], activation='relu',
                                                             device=None, num_val=1000)
out["fig3 teacher (15 → 4×1000 ReLU → 5, seed 42): train x[0:3] (bits)"] = [int(v) for v in tx[:3].ravel().view(np.uint64)]
out["train y[0:4]"] = ty[:4].ravel().tolist()
out["test y[0:2]"] = sy[:2].ravel().tolist()
out["val y[0:2]"] = vy[:2].ravel().tolist()
out["train y std"] = float(ty.std())
json.dump(out, open("Tests/Vectors/dfc-teacher-torch.json", "w"), indent=0)
print("wrote Tests/Vectors/dfc-teacher-torch.json")
