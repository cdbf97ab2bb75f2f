"""Writes Tests/Vectors/jax-random.json: what JAX 0.4.20 and flax 0.7.5 (bioflax's pinned versions) draw, for
the replay in Sources/Numerics/JaxRandom.swift. Run from the repository root:

    pip install --target /tmp/jax20 jax==0.4.20 jaxlib==0.4.20 numpy==1.26.1 ml_dtypes==0.2.0 scipy==1.11.4 opt_einsum
    pip install --no-deps --target /tmp/jax20 flax==0.7.5 msgpack typing_extensions PyYAML rich markdown-it-py mdurl \
        pygments absl-py orbax-checkpoint==0.4.4 tensorstore==0.1.45 optax==0.1.7 chex==0.1.85 toolz etils nest_asyncio \
        protobuf importlib_resources zipp
    PYTHONPATH=/tmp/jax20 python3 Tests/Vectors/generators/jax_random.py

The teacher is bioflax's task (its dataloading.create_random_dataset at the run_train.py defaults), rebuilt here
with a flax module of the same shape: Dense(64) → sigmoid → Dense(32) → sigmoid → Dense(10), vmapped over the
batch with the parameters shared, initialised from the model key of PRNGKey(data seed).
"""
import json
import jax, jax.numpy as jnp, numpy as np
import flax.linen as nn

def words(k): return [int(v) for v in np.asarray(k).ravel()]
def f32(a): return [int(v) for v in np.asarray(a, dtype=np.float32).ravel().view(np.uint32)]

out = {"jax": jax.__version__, "flax": "0.7.5"}
k0 = jax.random.PRNGKey(0)
out["PRNGKey(0)"] = words(k0)
kd, km, kb = jax.random.split(k0, num=3)
out["split(PRNGKey(0), 3)"] = [words(kd), words(km), words(kb)]
seed = int(kd[0].item())
out["data seed"] = seed
kds = jax.random.PRNGKey(seed)
out["PRNGKey(data seed)"] = words(kds)
model_rng, key = jax.random.split(kds, num=2)
test_rng, train_rng = jax.random.split(key)
out["model, test, train keys"] = [words(model_rng), words(test_rng), words(train_rng)]
out["fold_in(PRNGKey(0), 7)"] = words(jax.random.fold_in(k0, 7))
out["bits(PRNGKey(0), 5)"] = [int(v) for v in np.asarray(jax.random.bits(k0, (5,)))]
out["uniform(kd, 1001) bits"] = f32(jax.random.uniform(kd, (1001,)))
out["uniform(kd, 9, -1.3, 2.7) bits"] = f32(jax.random.uniform(kd, (9,), minval=-1.3, maxval=2.7))
out["normal(kd, 1001) bits"] = f32(jax.random.normal(kd, (1001,)))
out["truncated_normal(kd, -2, 2, 1001) bits"] = f32(jax.random.truncated_normal(kd, -2., 2., (1001,)))

class Teacher(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.sigmoid(nn.Dense(64)(x))
        x = nn.sigmoid(nn.Dense(32)(x))
        return nn.Dense(10)(x)

BatchTeacher = nn.vmap(Teacher, in_axes=0, out_axes=0, variable_axes={'params': None},
                       split_rngs={'params': False}, axis_name='batch')
params = BatchTeacher().init(model_rng, jnp.ones((32, 1, 1)))['params']
out["teacher kernels bits"] = [f32(params[f"Dense_{i}"]["kernel"]) for i in range(3)]
out["teacher biases are zero"] = all(float(jnp.abs(params[f"Dense_{i}"]["bias"]).max()) == 0 for i in range(3))
data_rng = train_rng
xs, ys = [], []
for i in range(2):
    data_rng, k = jax.random.split(data_rng)
    x = nn.initializers.uniform(scale=2)(k, shape=(32, 1, 1)) - 1.
    xs += f32(x); ys += [float(v) for v in np.asarray(BatchTeacher().apply({'params': params}, x)).ravel()]
out["train x, first 2 batches of 32, bits"] = xs
out["train y, first 2 batches (float32 as float)"] = ys
json.dump(out, open("Tests/Vectors/jax-random.json", "w"), indent=0)
print("wrote Tests/Vectors/jax-random.json")
