"""Recurrent layers (``LSTM``, ``GRU``, ``SimpleRNN``) and the sequence wrappers (``Bidirectional``,
``TimeDistributed``)."""

from kerax.layers.rnn.bidirectional import Bidirectional
from kerax.layers.rnn.gru import GRU
from kerax.layers.rnn.lstm import LSTM
from kerax.layers.rnn.simple_rnn import SimpleRNN
from kerax.layers.rnn.time_distributed import TimeDistributed

__all__ = ["Bidirectional", "GRU", "LSTM", "SimpleRNN", "TimeDistributed"]
