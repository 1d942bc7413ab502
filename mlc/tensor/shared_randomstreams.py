"""Theano's module path `theano.tensor.shared_randomstreams`: `RandomStreams` is
`mlc.tensor.random.RandomStream` (random variables sampled in compiled code)."""

from mlc.tensor.random import RandomStream, RandomStreams

__all__ = ["RandomStream", "RandomStreams"]
