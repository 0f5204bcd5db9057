"""Judged queries as people in Vietnam really type them, over the curated demo data.

(cms/data/hanoi.json, loaded by products/demo.py and tours/demo.py; titles are exact.)
Each entry: (query, kind, relevant titles). Kinds:

* ``telex`` / ``vni`` — the input method was off or misfired: tone and vowel keys left in the
  text ("gooms", "d9u1c"), sometimes mixed with correctly typed words;
* ``tone`` — the wrong tone or vowel mark on a (usually short) syllable;
* ``short_typo`` — a letter typo in a two- or three-letter syllable;
* ``phonetic`` — Northern spellings: l/n, s/x, tr/ch, gi/d/r;
* ``collision`` — two words that fold to the same letters; the reading typed wins;
* ``prefix`` — a short exact word that is also the prefix of many others;
* ``intent`` — a need (gift, occasion, use, kind) that is in no title, mapped by the editable
  vocabulary (cms/search/models.py, seeded by migration);
* ``english`` — English names, kinds and plurals;
* ``split`` — syllables run together or split apart;
* ``question`` — the request wrapped in question and shopping words;
* ``place`` — a producer's own pre-reform address, old districts, current communes.
"""

BAT_TRANG = {
    "Làng gốm Bát Tràng",
    "Bộ bát đĩa gốm sứ hoa sen đỏ",
    "Bộ bát đĩa gốm sứ chim én hoa sen",
    "Bộ bát đĩa gốm sứ rồng phượng",
    "Bộ ấm chén gốm sứ chim én hoa sen",
    "Bộ sản phẩm gốm men Suối Ngọc",
}
TABLEWARE = {
    "Bộ bát đĩa gốm sứ hoa sen đỏ",
    "Bộ bát đĩa gốm sứ chim én hoa sen",
    "Bộ bát đĩa gốm sứ rồng phượng",
}
DONG = {"Đôi đèn Tứ Linh đúc đồng", "Lọ Song Ngư đúc đồng"}
NGHE = {"Tinh bột nghệ vàng", "Tinh bột nghệ đen"}
OILS = {"Tinh dầu chanh sả", "Tinh dầu củ gừng"}
DAT_VANG = {
    "Làng dát vàng Kiêu Kỵ",
    "Cá rồng dát vàng",
    "Chữ Phúc dát vàng",
    "Bình vinh quy bái tổ dát vàng",
    "Bình hút lộc dát vàng",
    "Thiềm thừ dát vàng",
}
INCENSE = {"Hương quế", "Hương trầm", "Hương thảo mộc", "Hương bồ kết"}
HUONG = INCENSE | {"Làng hương Quảng Phú Cầu"}
MILK = {"Sữa tươi thanh trùng Ba Vì", "Sữa chua Ba Vì"}
BA_VI_DAIRY = MILK | {"Vùng bò sữa Ba Vì"}
HERBAL_TEA = {"Trà Phúc", "Trà Lộc", "Trà Thọ"}
LOTUS_TEA = "Trà sen Hiền Xiêm ướp sen Bách Diệp"
TEA = HERBAL_TEA | {LOTUS_TEA}
SON_MAI = {"Tranh sơn mài khảm trai", "Khay sơn mài", "Làng sơn mài Hạ Thái"}
KHAM_TRAI = {"Hộp đựng trang sức khảm trai", "Tranh sơn mài khảm trai", "Làng khảm trai Chuyên Mỹ"}
MAY_TRE_DAN = {"Giỏ mây tre đan Phú Vinh", "Làn mây tre đan xuất khẩu"}
MAY_TRE = MAY_TRE_DAN | {"Làng mây tre Phú Vinh"}
COM = {"Cốm làng Vòng", "Bánh cốm"}
PHUC_DUC = COM | {"Bánh xu xê"}
WINE = "Rượu nếp Đào Viên 35% Vol"
DUONG_XA = {
    "Điểm du lịch Dương Xá",
    "Tinh bột nghệ vàng",
    "Tinh bột nghệ đen",
    "Tinh dầu chanh sả",
    "Tinh dầu củ gừng",
    "Hành sấy",
    "Tỏi chiên",
    "Thịt trâu gác bếp",
    "Hành phi",
    "Giò trâu Kiến Minh",
}
CRAFT_VILLAGES = {
    "Làng gốm Bát Tràng",
    "Làng lụa Vạn Phúc",
    "Làng dát vàng Kiêu Kỵ",
    "Làng hương Quảng Phú Cầu",
    "Làng khảm trai Chuyên Mỹ",
    "Làng mây tre Phú Vinh",
    "Làng nón Chuông",
    "Làng sơn mài Hạ Thái",
    "Làng lược sừng Thụy Ứng",
    "Làng mộc Vạn Điểm",
    "Làng rối nước Đào Thục",
    "Chợ dược liệu Ninh Hiệp",
}
HERITAGE_VILLAGES = {"Làng cổ Đường Lâm", "Làng cổ Cựu", "Làng Long Hồ"}
TEMPLES = {"Chùa Hương", "Đền Sóc", "Điểm du lịch Phù Đổng"}
COMMUNITY = {
    "Bản Miền – thuốc nam người Dao",
    "Điểm du lịch Dương Xá",
    "Điểm du lịch nông thôn Hồng Vân",
    "Trải nghiệm du lịch nông thôn làng Hồng Vân",
}
DECORATIVE = (
    TABLEWARE
    | DONG
    | (DAT_VANG - {"Làng dát vàng Kiêu Kỵ"})
    | {
        "Bộ ấm chén gốm sứ chim én hoa sen",
        "Bộ sản phẩm gốm men Suối Ngọc",
        "Hộp đựng trang sức khảm trai",
        "Tranh sơn mài khảm trai",
        "Khay sơn mài",
        "Ống hút rau củ",
    }
    | MAY_TRE_DAN
)
HANDICRAFTS = DECORATIVE | {"Chăn bông tơ tằm tự dệt"}
SPICES = {"Hành phi", "Hành sấy", "Tỏi chiên", "Nước tương Cự Đà"}
ALTAR = INCENSE | DONG
DRIED = {"Nấm đông cô sấy khô", "Hành sấy", "Thịt trâu gác bếp"}
FRESH = {"Rau cải hữu cơ", "Sữa tươi thanh trùng Ba Vì"}
DRINKS = TEA | {WINE, "Sữa tươi thanh trùng Ba Vì"}
TET_GIFTS = TEA | {WINE, "Mứt sen", "Bánh pía", "Bánh cốm", "Chè kho Đại Đồng"}
WEDDING = {"Bánh xu xê", "Bánh cốm", "Cốm làng Vòng"}
HERBAL = INCENSE | NGHE | OILS | {"Chợ dược liệu Ninh Hiệp", "Bản Miền – thuốc nam người Dao"}
BEAUTY = NGHE | OILS

JUDGED_TYPING: list[tuple[str, str, set[str]]] = [
    # --- Telex residue ------------------------------------------------------------------
    ("gooms bats trangf", "telex", BAT_TRANG),
    ("ddusc ddoongf", "telex", DONG),
    ("tinh bootj ngheej", "telex", NGHE),
    ("tinh daauf chanh sar", "telex", {"Tinh dầu chanh sả"}),
    ("ruowuj neeps", "telex", {WINE}),
    ("nuwowcs tuwowng", "telex", {"Nước tương Cự Đà"}),
    ("suwxa chua", "telex", {"Sữa chua Ba Vì"}),
    ("huowng traamf", "telex", {"Hương trầm"}),
    ("langf luaj vanj phucs", "telex", {"Làng lụa Vạn Phúc"}),
    ("chuaf huowng", "telex", {"Chùa Hương"}),
    ("banhs cooms", "telex", {"Bánh cốm"}),
    ("giof traau", "telex", {"Giò trâu Kiến Minh"}),
    ("khamr trai", "telex", KHAM_TRAI),
    ("sown maif", "telex", SON_MAI),
    ("maay tre ddan", "telex", MAY_TRE_DAN),
    ("dats vangf", "telex", DAT_VANG),
    ("muwts sen", "telex", {"Mứt sen"}),
    ("naams ddoong coo", "telex", {"Nấm đông cô sấy khô"}),
    ("toir chieen", "telex", {"Tỏi chiên"}),
    ("chawn boong tow tawmf", "telex", {"Chăn bông tơ tằm tự dệt"}),
    ("thịt trâu gacs beeps", "telex", {"Thịt trâu gác bếp"}),
    ("làng cổ dduowngf lâm", "telex", {"Làng cổ Đường Lâm"}),
    ("goosm sứ", "telex", BAT_TRANG - {"Làng gốm Bát Tràng"}),
    ("cas roongf", "telex", {"Cá rồng dát vàng"}),
    # --- VNI residue --------------------------------------------------------------------
    ("go6m1 ba1t tra2ng", "vni", BAT_TRANG),
    ("d9u1c d9o6ng2", "vni", DONG),
    ("nghe65", "vni", NGHE),
    ("ru7o7u5 ne6p1", "vni", {WINE}),
    ("nu7o71c tu7o7ng", "vni", {"Nước tương Cự Đà"}),
    ("su74a chua ba vi2", "vni", {"Sữa chua Ba Vì"}),
    ("ca1 ro6ng2", "vni", {"Cá rồng dát vàng"}),
    ("hu7o7ng que61", "vni", {"Hương quế"}),
    ("la2ng co63 d9u7o7ng2 la6m", "vni", {"Làng cổ Đường Lâm"}),
    ("bo65 a6m1 che1n", "vni", {"Bộ ấm chén gốm sứ chim én hoa sen"}),
    ("che2 kho d9a5i d9o62ng", "vni", {"Chè kho Đại Đồng"}),
    ("ma6y tre d9an", "vni", MAY_TRE_DAN),
    # --- Wrong tone or vowel mark -------------------------------------------------------
    ("trà phục", "tone", {"Trà Phúc"}),
    ("chùa huơng", "tone", {"Chùa Hương"}),
    ("bánh côm", "tone", {"Bánh cốm"}),
    ("trâu gắc bếp", "tone", {"Thịt trâu gác bếp"}),
    ("khay sơn mầi", "tone", {"Khay sơn mài"}),
    ("cá rông", "tone", {"Cá rồng dát vàng"}),
    ("lọ sông ngư", "tone", {"Lọ Song Ngư đúc đồng"}),
    ("bộ ấm chẹn", "tone", {"Bộ ấm chén gốm sứ chim én hoa sen"}),
    ("làng nốn chuông", "tone", {"Làng nón Chuông"}),
    ("chè khô đại đồng", "tone", {"Chè kho Đại Đồng"}),
    ("trà thố", "tone", {"Trà Thọ"}),
    ("mứt sèn", "tone", {"Mứt sen"}),
    ("hương quê", "tone", {"Hương quế"}),
    ("tỏi chiến", "tone", {"Tỏi chiên"}),
    ("giò trầu", "tone", {"Giò trâu Kiến Minh"}),
    ("sữa chùa ba vì", "tone", {"Sữa chua Ba Vì"}),
    ("bánh pìa", "tone", {"Bánh pía"}),
    # --- Letter typos in short syllables ------------------------------------------------
    ("gmo bat trang", "short_typo", BAT_TRANG),
    ("tar sen hien xiem", "short_typo", {LOTUS_TEA}),
    ("cmo lang vong", "short_typo", {"Cốm làng Vòng"}),
    ("mut sne", "short_typo", {"Mứt sen"}),
    ("tio chien", "short_typo", {"Tỏi chiên"}),
    ("banh pai", "short_typo", {"Bánh pía"}),
    ("hoa tya tuu", "short_typo", {"Làng hoa Tây Tựu"}),
    ("nma dong co", "short_typo", {"Nấm đông cô sấy khô"}),
    ("rau cia huu co", "short_typo", {"Rau cải hữu cơ"}),
    ("ca rnog dat vang", "short_typo", {"Cá rồng dát vàng"}),
    ("lang hoa tya tuu", "short_typo", {"Làng hoa Tây Tựu"}),
    # --- Northern pronunciation spellings -----------------------------------------------
    ("nàng gốm", "phonetic", {"Làng gốm Bát Tràng"}),
    ("lước tương", "phonetic", {"Nước tương Cự Đà"}),
    ("nụa vạn phúc", "phonetic", {"Làng lụa Vạn Phúc"}),
    ("xữa chua", "phonetic", {"Sữa chua Ba Vì"}),
    ("mứt xen", "phonetic", {"Mứt sen"}),
    ("chà sen", "phonetic", {LOTUS_TEA}),
    ("chà thọ", "phonetic", {"Trà Thọ"}),
    ("rò trâu", "phonetic", {"Giò trâu Kiến Minh"}),
    ("dò trâu kiến minh", "phonetic", {"Giò trâu Kiến Minh"}),
    ("dỏ mây tre", "phonetic", {"Giỏ mây tre đan Phú Vinh"}),
    ("làng lón", "phonetic", {"Làng nón Chuông"}),
    ("xơn mài", "phonetic", SON_MAI),
    ("tinh dầu chanh xả", "phonetic", {"Tinh dầu chanh sả"}),
    ("rượu lếp", "phonetic", {WINE}),
    ("lấm đông cô", "phonetic", {"Nấm đông cô sấy khô"}),
    ("rát vàng", "phonetic", DAT_VANG),
    ("trùa hương", "phonetic", {"Chùa Hương"}),
    ("mây che đan", "phonetic", MAY_TRE_DAN),
    ("xua chua ba vi", "phonetic", {"Sữa chua Ba Vì"}),
    ("nang non chuong", "phonetic", {"Làng nón Chuông"}),
    # --- Collisions after folding -------------------------------------------------------
    ("hoa sen đỏ", "collision", {"Bộ bát đĩa gốm sứ hoa sen đỏ"}),
    ("đỏ", "collision", {"Bộ bát đĩa gốm sứ hoa sen đỏ"}),
    ("đèn", "collision", {"Đôi đèn Tứ Linh đúc đồng"}),
    ("nghệ đen", "collision", {"Tinh bột nghệ đen"}),
    ("đồng", "collision", DONG | {"Chè kho Đại Đồng"}),
    ("đông cô", "collision", {"Nấm đông cô sấy khô"}),
    ("chè", "collision", TEA | {"Chè kho Đại Đồng"}),
    ("bồ kết", "collision", {"Hương bồ kết"}),
    ("bộ ấm chén", "collision", {"Bộ ấm chén gốm sứ chim én hoa sen"}),
    ("làng cổ", "collision", HERITAGE_VILLAGES),
    ("hồ", "collision", {"Làng Long Hồ"}),
    ("nghề", "collision", CRAFT_VILLAGES),
    ("bò sữa", "collision", BA_VI_DAIRY),
    ("bái tổ", "collision", {"Bình vinh quy bái tổ dát vàng"}),
    # --- Short exact words that prefix many others ---------------------------------------
    ("cá", "prefix", {"Cá rồng dát vàng"}),
    ("bò", "prefix", BA_VI_DAIRY),
    ("nón", "prefix", {"Làng nón Chuông"}),
    ("lọ", "prefix", {"Lọ Song Ngư đúc đồng"}),
    ("tơ", "prefix", {"Chăn bông tơ tằm tự dệt"}),
    ("mứt", "prefix", {"Mứt sen"}),
    ("ống", "prefix", {"Ống hút rau củ"}),
    ("rau", "prefix", {"Rau cải hữu cơ", "Ống hút rau củ"}),
    ("lụa", "prefix", {"Làng lụa Vạn Phúc"}),
    ("cốm", "prefix", COM),
    (
        "sen",
        "prefix",
        TABLEWARE - {"Bộ bát đĩa gốm sứ rồng phượng"}
        | {
            "Bộ ấm chén gốm sứ chim én hoa sen",
            "Mứt sen",
            LOTUS_TEA,
        },
    ),
    ("nấm", "prefix", {"Nấm đông cô sấy khô"}),
    ("mộc", "prefix", {"Làng mộc Vạn Điểm", "Hương thảo mộc"}),
    ("hành", "prefix", {"Hành phi", "Hành sấy"}),
    # --- Needs in no title (editable vocabulary) ----------------------------------------
    ("quà tết", "intent", TET_GIFTS),
    ("đồ thờ", "intent", ALTAR),
    ("đồ cúng lễ", "intent", ALTAR),
    ("hàng khô", "intent", DRIED),
    ("thực phẩm khô", "intent", DRIED),
    ("đồ tươi sống", "intent", FRESH),
    ("thức uống", "intent", DRINKS),
    ("nước giải khát", "intent", DRINKS),
    ("đồ mỹ nghệ", "intent", HANDICRAFTS),
    ("đồ lưu niệm", "intent", DECORATIVE),
    ("đồ trang trí", "intent", DECORATIVE),
    ("quà cưới", "intent", WEDDING),
    ("ăn hỏi", "intent", WEDDING),
    ("chỗ đi lễ", "intent", TEMPLES),
    ("thảo dược", "intent", HERBAL),
    ("làm đẹp", "intent", BEAUTY),
    ("homestay", "intent", COMMUNITY),
    ("souvenir", "intent", DECORATIVE),
    ("drinks", "intent", DRINKS),
    ("dried food", "intent", DRIED),
    ("altar", "intent", ALTAR),
    # --- English ------------------------------------------------------------------------
    ("pottery", "english", BAT_TRANG),
    ("porcelain tea set", "english", {"Bộ ấm chén gốm sứ chim én hoa sen"}),
    ("tableware", "english", TABLEWARE),
    ("rattan baskets", "english", {"Giỏ mây tre đan Phú Vinh"}),
    ("bamboo", "english", {"Giỏ mây tre đan Phú Vinh", "Làng mây tre Phú Vinh"}),
    ("incense", "english", HUONG),
    ("herbal teas", "english", HERBAL_TEA),
    ("lotus tea", "english", {LOTUS_TEA}),
    ("shallot", "english", {"Hành phi", "Hành sấy"}),
    ("garlic", "english", {"Tỏi chiên"}),
    ("mushroom", "english", {"Nấm đông cô sấy khô"}),
    ("yogurt", "english", {"Sữa chua Ba Vì"}),
    ("fresh milk", "english", {"Sữa tươi thanh trùng Ba Vì"}),
    ("silk", "english", {"Làng lụa Vạn Phúc", "Chăn bông tơ tằm tự dệt"}),
    ("gold leaf", "english", DAT_VANG),
    ("lacquerware", "english", {"Khay sơn mài"}),
    ("mother of pearl", "english", KHAM_TRAI),
    ("jewelry box", "english", {"Hộp đựng trang sức khảm trai"}),
    ("conical hats", "english", {"Làng nón Chuông"}),
    ("water puppets", "english", {"Làng rối nước Đào Thục"}),
    ("flower village", "english", {"Làng hoa Tây Tựu"}),
    ("ancient villages", "english", HERITAGE_VILLAGES),
    ("craft villages", "english", CRAFT_VILLAGES),
    ("citadel", "english", {"Khu di tích Cổ Loa"}),
    ("eco park", "english", {"Khu sinh thái Đan Phượng"}),
    ("dairy farm", "english", {"Vùng bò sữa Ba Vì"}),
    ("woodwork", "english", {"Làng mộc Vạn Điểm"}),
    ("hanoi silk village", "english", {"Làng lụa Vạn Phúc"}),
    ("buffalo jerky", "english", {"Thịt trâu gác bếp"}),
    ("essential oils", "english", OILS),
    ("spices", "english", SPICES),
    ("handicraft", "english", HANDICRAFTS),
    ("beverage", "english", {WINE}),
    ("rice flakes", "english", {"Cốm làng Vòng"}),
    ("straws", "english", {"Ống hút rau củ"}),
    # --- Run together, split apart ------------------------------------------------------
    ("battrang", "split", BAT_TRANG),
    ("sonmai", "split", SON_MAI),
    ("khamtrai", "split", KHAM_TRAI),
    ("duonglam", "split", {"Làng cổ Đường Lâm"}),
    ("kieuky", "split", DAT_VANG),
    ("nuoctuong", "split", {"Nước tương Cự Đà"}),
    ("banhcom", "split", {"Bánh cốm"}),
    ("suachua", "split", {"Sữa chua Ba Vì"}),
    ("datvang", "split", DAT_VANG),
    ("chuahuong", "split", {"Chùa Hương"}),
    ("handwoven", "split", {"Chăn bông tơ tằm tự dệt"}),
    ("goldleaf", "split", DAT_VANG),
    ("kh am trai", "split", KHAM_TRAI),
    ("bat tr ang", "split", BAT_TRANG),
    ("gi o trau", "split", {"Giò trâu Kiến Minh"}),
    ("lu a van phuc", "split", {"Làng lụa Vạn Phúc"}),
    ("tinh dau chanhsa", "split", {"Tinh dầu chanh sả"}),
    # --- Question and shopping words ----------------------------------------------------
    ("mua trà sen ở đâu", "question", {LOTUS_TEA}),
    ("giá hương trầm", "question", {"Hương trầm"}),
    ("nước tương cự đà bao nhiêu tiền", "question", {"Nước tương Cự Đà"}),
    ("chỗ nào bán sữa chua", "question", {"Sữa chua Ba Vì"}),
    ("tìm mua giò trâu", "question", {"Giò trâu Kiến Minh"}),
    ("làng gốm ở chỗ nào", "question", {"Làng gốm Bát Tràng"}),
    ("bánh cốm giá bao nhiêu", "question", {"Bánh cốm"}),
    ("có bán mứt sen không", "question", {"Mứt sen"}),
    ("đặt mua chăn tơ tằm", "question", {"Chăn bông tơ tằm tự dệt"}),
    ("cho tôi xem làng lụa", "question", {"Làng lụa Vạn Phúc"}),
    ("muốn mua tranh sơn mài", "question", {"Tranh sơn mài khảm trai"}),
    ("địa chỉ làng nón chuông", "question", {"Làng nón Chuông"}),
    ("đường đi chùa hương", "question", {"Chùa Hương"}),
    ("giá vé làng cổ đường lâm", "question", {"Làng cổ Đường Lâm"}),
    ("where to buy rice wine", "question", {WINE}),
    ("price of bronze lamps", "question", {"Đôi đèn Tứ Linh đúc đồng"}),
    ("how much is soy sauce", "question", {"Nước tương Cự Đà"}),
    ("mua o dau nuoc tuong", "question", {"Nước tương Cự Đà"}),
    ("gia ban khay son mai", "question", {"Khay sơn mài"}),
    # --- Places: own pre-reform address, old districts, current communes -----------------
    ("dương xá gia lâm", "place", DUONG_XA),
    ("kiêu kỵ gia lâm", "place", DAT_VANG),
    ("phùng xá", "place", {"Chăn bông tơ tằm tự dệt"}),
    ("xuy xá mỹ đức", "place", {WINE}),
    ("hàng than", "place", PHUC_DUC),
    ("trúc bạch", "place", DONG),
    ("quảng an", "place", {LOTUS_TEA}),
    ("cự khê thanh oai", "place", {"Nước tương Cự Đà"}),
    ("sơn hà", "place", {"Khay sơn mài"}),
    ("phú túc phú xuyên", "place", {"Làn mây tre đan xuất khẩu"}),
    ("phú nghĩa", "place", {"Giỏ mây tre đan Phú Vinh", "Làng mây tre Phú Vinh"}),
    ("đại yên chương mỹ", "place", HERBAL_TEA),
    ("vân hoà ba vì", "place", BA_VI_DAIRY),
    ("thanh xuân sóc sơn", "place", {"Rau cải hữu cơ"}),
    ("đại đồng thạch thất", "place", {"Chè kho Đại Đồng"}),
    (
        "hồng vân thường tín",
        "place",
        {
            "Trải nghiệm du lịch nông thôn làng Hồng Vân",
            "Điểm du lịch nông thôn Hồng Vân",
        },
    ),
    ("đông anh", "place", {"Khu di tích Cổ Loa", "Làng rối nước Đào Thục", "Ống hút rau củ"}),
    ("ứng hoà", "place", HUONG),
    ("phượng dực", "place", {"Làn mây tre đan xuất khẩu"}),
    (
        "chuyên mỹ phú xuyên",
        "place",
        {
            "Làng khảm trai Chuyên Mỹ",
            "Hộp đựng trang sức khảm trai",
            "Tranh sơn mài khảm trai",
            "Làng cổ Cựu",
        },
    ),
    ("tây hồ", "place", {LOTUS_TEA}),
    ("thụy lâm", "place", {"Làng rối nước Đào Thục"}),
    ("kim sơn sơn tây", "place", {"Làng Long Hồ"}),
    ("hạ mỗ đan phượng", "place", {"Điểm du lịch Hạ Mỗ"}),
]

KINDS = {
    "telex",
    "vni",
    "tone",
    "short_typo",
    "phonetic",
    "collision",
    "prefix",
    "intent",
    "english",
    "split",
    "question",
    "place",
}
