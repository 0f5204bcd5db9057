"""Judged queries over the curated demo data (cms/data/hanoi.json).

Each entry: (query, kind, relevant titles). A query is answered well when a relevant title comes
first; MRR uses the rank of the first relevant hit in the top 10, recall@10 the share of relevant
titles found there. Kinds: plain (no diacritics), accented, typo, english, commune (old and new
names), multiword.
"""

BAT_TRANG = {
    "Làng gốm Bát Tràng",
    "Bộ bát đĩa gốm sứ hoa sen đỏ",
    "Bộ bát đĩa gốm sứ chim én hoa sen",
    "Bộ bát đĩa gốm sứ rồng phượng",
    "Bộ ấm chén gốm sứ chim én hoa sen",
    "Bộ sản phẩm gốm men Suối Ngọc",
}
DONG = {"Đôi đèn Tứ Linh đúc đồng", "Lọ Song Ngư đúc đồng"}
NGHE = {"Tinh bột nghệ vàng", "Tinh bột nghệ đen"}
DAT_VANG = {
    "Làng dát vàng Kiêu Kỵ",
    "Cá rồng dát vàng",
    "Chữ Phúc dát vàng",
    "Bình vinh quy bái tổ dát vàng",
    "Bình hút lộc dát vàng",
    "Thiềm thừ dát vàng",
}
HUONG = {"Làng hương Quảng Phú Cầu", "Hương quế", "Hương trầm", "Hương thảo mộc", "Hương bồ kết"}
SUA = {"Sữa tươi thanh trùng Ba Vì", "Sữa chua Ba Vì", "Vùng bò sữa Ba Vì"}
TRA = {"Trà Phúc", "Trà Lộc", "Trà Thọ"}
MAY_TRE = {"Giỏ mây tre đan Phú Vinh", "Làn mây tre đan xuất khẩu", "Làng mây tre Phú Vinh"}
SON_MAI = {"Tranh sơn mài khảm trai", "Khay sơn mài", "Làng sơn mài Hạ Thái"}
KHAM_TRAI = {"Hộp đựng trang sức khảm trai", "Tranh sơn mài khảm trai", "Làng khảm trai Chuyên Mỹ"}

JUDGED_QUERIES: list[tuple[str, str, set[str]]] = [
    # Without diacritics
    ("gom bat trang", "plain", BAT_TRANG),
    ("duc dong", "plain", DONG),
    ("tinh bot nghe", "plain", NGHE),
    ("tra sen", "plain", {"Trà sen Hiền Xiêm ướp sen Bách Diệp"}),
    ("com lang vong", "plain", {"Cốm làng Vòng"}),
    ("banh com", "plain", {"Bánh cốm"}),
    ("lang co duong lam", "plain", {"Làng cổ Đường Lâm"}),
    ("chua huong", "plain", {"Chùa Hương"}),
    ("kham trai", "plain", KHAM_TRAI),
    ("son mai", "plain", SON_MAI),
    ("may tre dan", "plain", MAY_TRE),
    ("ruou nep", "plain", {"Rượu nếp Đào Viên 35% Vol"}),
    ("nuoc tuong", "plain", {"Nước tương Cự Đà"}),
    ("dat vang", "plain", DAT_VANG),
    ("huong tram", "plain", {"Hương trầm"}),
    # With diacritics
    ("Gốm Bát Tràng", "accented", BAT_TRANG),
    ("nghệ", "accented", NGHE),
    ("đúc đồng", "accented", DONG),
    ("Làng lụa Vạn Phúc", "accented", {"Làng lụa Vạn Phúc"}),
    ("chăn bông tơ tằm", "accented", {"Chăn bông tơ tằm tự dệt"}),
    ("nón Chuông", "accented", {"Làng nón Chuông"}),
    ("giò trâu", "accented", {"Giò trâu Kiến Minh"}),
    ("thịt trâu gác bếp", "accented", {"Thịt trâu gác bếp"}),
    ("sữa chua", "accented", {"Sữa chua Ba Vì"}),
    # Typos (after folding)
    ("gom bat trnag", "typo", BAT_TRANG),
    ("duc dongg", "typo", DONG),
    ("khamm trai", "typo", KHAM_TRAI),
    ("tinh dau chnah sa", "typo", {"Tinh dầu chanh sả"}),
    ("ruou nepp", "typo", {"Rượu nếp Đào Viên 35% Vol"}),
    ("van phucc", "typo", {"Làng lụa Vạn Phúc"}),
    ("duong lma", "typo", {"Làng cổ Đường Lâm"}),
    # English names
    ("perfume pagoda", "english", {"Chùa Hương"}),
    ("bronze lamps", "english", {"Đôi đèn Tứ Linh đúc đồng"}),
    ("turmeric", "english", NGHE),
    ("silk village", "english", {"Làng lụa Vạn Phúc"}),
    ("water puppet", "english", {"Làng rối nước Đào Thục"}),
    ("rice wine", "english", {"Rượu nếp Đào Viên 35% Vol"}),
    ("soy sauce", "english", {"Nước tương Cự Đà"}),
    ("lacquer", "english", SON_MAI),
    # Commune names, legacy (before 1/7/2025) and current
    ("kieu ky", "commune", DAT_VANG),
    ("Quảng Phú Cầu", "commune", HUONG),
    ("ung thien", "commune", HUONG),
    ("van hoa ba vi", "commune", SUA),
    ("yen bai", "commune", SUA),
    ("thuy ung", "commune", {"Làng lược sừng Thụy Ứng"}),
    ("dai yen", "commune", TRA),
    # Multi-word
    (
        "trai nghiem du lich nong thon hong van",
        "multiword",
        {"Trải nghiệm du lịch nông thôn làng Hồng Vân", "Điểm du lịch nông thôn Hồng Vân"},
    ),
    ("bo bat dia gom su rong phuong", "multiword", {"Bộ bát đĩa gốm sứ rồng phượng"}),
    ("hop tac xa bo sua ba vi", "multiword", {"Sữa tươi thanh trùng Ba Vì", "Sữa chua Ba Vì"}),
    ("htx gom su", "multiword", {"Bộ sản phẩm gốm men Suối Ngọc"}),  # HTX … gốm sứ Tân Thịnh
]


def evaluate(search, k: int = 10) -> dict:
    """Run every judged query through `search(q) -> list of titles`; return the figures."""
    from .metrics import evaluate_set

    return evaluate_set(JUDGED_QUERIES, search, k)
