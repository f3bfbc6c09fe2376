"""The printed agreement and the ceremony pack (being written)."""


def agreement_pdf(agreement) -> bytes:
    raise NotImplementedError


def ceremony_pack_pdf(event, agreements) -> bytes:
    raise NotImplementedError
