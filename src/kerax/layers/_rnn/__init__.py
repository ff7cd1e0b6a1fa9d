"""Recurrent layers (``RNN`` over any cell; ``LSTM``, ``GRU``, ``SimpleRNN``), their cells, and the
sequence wrappers (``Bidirectional``, ``TimeDistributed``)."""

from kerax.layers._rnn.bidirectional import Bidirectional
from kerax.layers._rnn.conv_lstm1d import ConvLSTM1D
from kerax.layers._rnn.conv_lstm2d import ConvLSTM2D
from kerax.layers._rnn.conv_lstm3d import ConvLSTM3D
from kerax.layers._rnn.gru import GRU, GRUCell
from kerax.layers._rnn.lstm import LSTM, LSTMCell
from kerax.layers._rnn.rnn import RNN
from kerax.layers._rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from kerax.layers._rnn.stacked_rnn_cells import StackedRNNCells
from kerax.layers._rnn.time_distributed import TimeDistributed

__all__ = [
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
]
