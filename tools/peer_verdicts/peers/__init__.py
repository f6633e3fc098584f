"""One adapter per peer tool: the commands that run it on a run folder, and its output parsed."""

from tools.peer_verdicts.peers import (
    finetune_doctor,
    losslint,
    runmedic,
    trainproof,
    trainspotter,
)
from tools.peer_verdicts.peers.base import Peer

PEERS: tuple[Peer, ...] = (
    losslint.PEER,
    runmedic.PEER,
    trainproof.PEER,
    trainspotter.PEER,
    finetune_doctor.PEER,
)
PEERS_BY_NAME = {peer.name: peer for peer in PEERS}
