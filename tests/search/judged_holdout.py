"""A held-out judged set: written after the analysis was done and measured once, with nothing
tuned on it (the typing set in judged_typing.py was written first but tuned against). Same
kinds, other queries; reported beside the others to show how the rules generalise."""

from .judged_typing import (
    DECORATIVE,
    INCENSE,
    OILS,
    TEA,
    TEMPLES,
    WINE,
)

SETS = {
    "Bộ bát đĩa gốm sứ hoa sen đỏ",
    "Bộ bát đĩa gốm sứ chim én hoa sen",
    "Bộ bát đĩa gốm sứ rồng phượng",
    "Bộ ấm chén gốm sứ chim én hoa sen",
}

JUDGED_HOLDOUT: list[tuple[str, str, set[str]]] = [
    ("traf phucs", "telex", {"Trà Phúc"}),
    ("sown maif khamr trai", "telex", {"Tranh sơn mài khảm trai"}),
    ("hopj ddwngj trang suwcs", "telex", {"Hộp đựng trang sức khảm trai"}),
    ("lowj song nguw", "telex", {"Lọ Song Ngư đúc đồng"}),
    ("bi2nh hu1t lo65c", "vni", {"Bình hút lộc dát vàng"}),
    ("to3i chie6n", "vni", {"Tỏi chiên"}),
    ("ha2nh sa61y", "vni", {"Hành sấy"}),
    ("hương trâm", "tone", {"Hương trầm"}),
    ("chăn bống tơ tầm", "tone", {"Chăn bông tơ tằm tự dệt"}),
    ("nước tướng cự đà", "tone", {"Nước tương Cự Đà"}),
    ("khay osn mai", "short_typo", {"Khay sơn mài"}),
    ("ong hut aru cu", "short_typo", {"Ống hút rau củ"}),
    ("nàng dát vàng", "phonetic", {"Làng dát vàng Kiêu Kỵ"}),
    ("trè kho", "phonetic", {"Chè kho Đại Đồng"}),
    ("xữa tươi", "phonetic", {"Sữa tươi thanh trùng Ba Vì"}),
    ("dượu nếp", "phonetic", {WINE}),
    ("bộ", "collision", SETS | {"Bộ sản phẩm gốm men Suối Ngọc"}),
    ("sứ", "collision", SETS),
    ("ấm", "prefix", {"Bộ ấm chén gốm sứ chim én hoa sen"}),
    ("khay", "prefix", {"Khay sơn mài"}),
    ("quà tặng", "intent", DECORATIVE | TEA | {WINE}),
    ("quà biếu sếp", "intent", DECORATIVE | TEA | {WINE}),
    ("nhang trầm", "intent", {"Hương trầm"}),
    ("đi chùa", "intent", TEMPLES),
    ("cắm trại", "intent", {"Khu sinh thái Đan Phượng", "Vùng bò sữa Ba Vì", "Làng hoa Tây Tựu"}),
    (
        "snack",
        "intent",
        {"Bánh pía", "Mứt sen", "Bánh cốm", "Cốm làng Vòng", "Hành phi", "Bánh xu xê"},
    ),
    ("incense sticks", "english", INCENSE),
    ("lacquer tray", "english", {"Khay sơn mài"}),
    ("herbal medicine", "english", {"Bản Miền – thuốc nam người Dao", "Chợ dược liệu Ninh Hiệp"}),
    ("rattan handbag", "english", {"Làn mây tre đan xuất khẩu"}),
    ("pagodas", "english", {"Chùa Hương"}),
    ("ginger oil", "english", {"Tinh dầu củ gừng"}),
    ("tinhdau", "split", OILS),
    ("giotrau", "split", {"Giò trâu Kiến Minh"}),
    ("hu ong tram", "split", {"Hương trầm"}),
    ("ở đâu bán nón lá", "question", {"Làng nón Chuông"}),
    ("chỗ mua tinh dầu sả", "question", {"Tinh dầu chanh sả"}),
    ("how much rice wine", "question", {WINE}),
    ("giá bánh pía", "question", {"Bánh pía"}),
    ("sóc sơn", "place", {"Nấm đông cô sấy khô", "Đền Sóc", "Rau cải hữu cơ"}),
    ("vân nội đông anh", "place", {"Ống hút rau củ"}),
    ("thạch thất", "place", {"Chè kho Đại Đồng"}),
    ("mỹ đức", "place", {"Chăn bông tơ tằm tự dệt", WINE, "Chùa Hương"}),
    (
        "thường tín",
        "place",
        {
            "Trải nghiệm du lịch nông thôn làng Hồng Vân",
            "Điểm du lịch nông thôn Hồng Vân",
            "Làng lược sừng Thụy Ứng",
        },
    ),
]
