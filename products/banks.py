"""Names of Vietnamese banks by their NAPAS BIN (the 6 digits in a VietQR code), for showing
the buyer which bank to transfer to and for producers' payout accounts. The common ones; an
unknown BIN shows the BIN itself."""

BANKS = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970422": "MB Bank",
    "970407": "Techcombank",
    "970416": "ACB",
    "970432": "VPBank",
    "970423": "TPBank",
    "970403": "Sacombank",
    "970437": "HDBank",
    "970441": "VIB",
    "970443": "SHB",
    "970431": "Eximbank",
    "970426": "MSB",
    "970448": "OCB",
    "970440": "SeABank",
    "970449": "LPBank",
    "970409": "Bac A Bank",
    "970412": "PVcomBank",
    "970419": "NCB",
    "970425": "ABBANK",
    "970428": "Nam A Bank",
    "970454": "BVBank",
    "970452": "KienlongBank",
    "970400": "Saigonbank",
}


def bank_name(bin_code: str) -> str:
    return BANKS.get(str(bin_code), str(bin_code))


def bank_choices() -> list[tuple[str, str]]:
    return sorted(BANKS.items(), key=lambda item: item[1].lower())
