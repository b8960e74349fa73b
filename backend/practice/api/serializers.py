from exams.enums import BankPurpose, Difficulty, QuestionKind
from rest_framework import serializers

from practice.enums import SessionMode, SessionSource, SessionStatus, WrongSource
from practice.selectors import revealed_question

# --- banks and categories -------------------------------------------------------------------------------


class MyPracticeBankOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    owner_name = serializers.CharField(source="owner.name")
    question_count = serializers.IntegerField(required=False, default=0)


class MyPracticeCategoryFilterInput(serializers.Serializer):
    bank = serializers.UUIDField(required=False)


class MyPracticeCategoryOutput(serializers.Serializer):
    specialty = serializers.CharField()
    count = serializers.IntegerField()


# --- sessions -------------------------------------------------------------------------------------------


class MyPracticeSessionInput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=SessionMode.choices)
    # practice
    source = serializers.ChoiceField(choices=SessionSource.choices, default=SessionSource.BANK)
    bank = serializers.UUIDField(required=False, allow_null=True, default=None)
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False, allow_blank=True, default="")
    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, required=False, allow_null=True, default=None
    )
    count = serializers.IntegerField(required=False, default=10)
    # mock test: the sitting whose blueprint gives the shape
    sitting = serializers.UUIDField(required=False, allow_null=True, default=None)


class MyPracticeSessionFilterInput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=SessionMode.choices, required=False)
    status = serializers.ChoiceField(choices=SessionStatus.choices, required=False)


class MyPracticeSessionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    mode = serializers.CharField()
    source = serializers.CharField()
    filters = serializers.DictField()
    sitting = serializers.UUIDField(source="sitting_id", allow_null=True)
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    question_count = serializers.SerializerMethodField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    pass_mark = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)

    def get_question_count(self, obj) -> int:
        return len(obj.paper.get("items", []))


class MyPracticeOptionOutput(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class MyPracticeSubQuestionOutput(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    stem = serializers.CharField()
    options = MyPracticeOptionOutput(many=True)
    answer = serializers.ListField(child=serializers.CharField())
    correct = serializers.BooleanField(allow_null=True)
    key = serializers.ListField(child=serializers.CharField(), required=False)
    explanation = serializers.CharField(required=False)


class MyPracticeQuestionOutput(MyPracticeSubQuestionOutput):
    position = serializers.IntegerField()
    points = serializers.CharField()
    question_id = serializers.UUIDField(help_text="the practice question's own ID (for favourites)")
    options = MyPracticeOptionOutput(many=True, required=False)
    answer = serializers.ListField(child=serializers.CharField(), required=False)
    correct = serializers.BooleanField(allow_null=True, required=False)
    subs = MyPracticeSubQuestionOutput(many=True)
    score = serializers.CharField(required=False, allow_null=True)


class MyPracticePaperOutput(serializers.Serializer):
    session = MyPracticeSessionOutput()
    items = MyPracticeQuestionOutput(many=True)
    remaining_seconds = serializers.IntegerField(allow_null=True)


class MyPracticeAnswerInput(serializers.Serializer):
    question = serializers.CharField(max_length=32)
    options = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20)


class MyPracticeAnswerOutput(serializers.Serializer):
    question = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    answered_at = serializers.DateTimeField()
    applied = serializers.BooleanField()
    correct = serializers.BooleanField(allow_null=True)
    key = serializers.ListField(child=serializers.CharField(), required=False)
    explanation = serializers.CharField(required=False)
    group_explanation = serializers.CharField(required=False)


# --- wrong-answer book and favourites --------------------------------------------------------------------


class MyPracticeKeyedOptionOutput(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


class MyPracticeRevealedSubOutput(serializers.Serializer):
    kind = serializers.CharField()
    stem = serializers.CharField()
    options = MyPracticeKeyedOptionOutput(many=True)
    key = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    chosen = serializers.ListField(child=serializers.CharField())


class MyPracticeRevealedQuestionOutput(MyPracticeRevealedSubOutput):
    subs = MyPracticeRevealedSubOutput(many=True)


class _CategoryFilterInput(serializers.Serializer):
    specialty = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    bank = serializers.UUIDField(required=False)

    def to_filters(self) -> dict:
        data = dict(self.validated_data)
        if "bank" in data:
            data["bank_id"] = data.pop("bank")
        return data


class MyWrongAnswerFilterInput(_CategoryFilterInput):
    status = serializers.ChoiceField(choices=["open", "cleared", "all"], required=False, default="open")
    source = serializers.ChoiceField(choices=WrongSource.choices, required=False)


class MyFavouriteFilterInput(_CategoryFilterInput):
    pass


class _QuestionFacts(serializers.Serializer):
    kind = serializers.CharField(source="question.kind")
    specialty = serializers.CharField(source="question.specialty")
    practice_category = serializers.CharField(source="question.practice_category")
    difficulty = serializers.IntegerField(source="question.difficulty")


class MyWrongAnswerOutput(_QuestionFacts):
    id = serializers.UUIDField()
    question = serializers.SerializerMethodField(help_text="the question's ID, for practice questions only")
    source = serializers.CharField()
    attempt = serializers.UUIDField(source="attempt_id", allow_null=True)
    wrong_count = serializers.IntegerField()
    last_wrong_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    content = serializers.SerializerMethodField()

    def get_question(self, obj) -> str | None:
        # An exam question keeps no stable ID on the physician's side (exam papers use opaque IDs).
        return str(obj.question_id) if obj.question.bank.purpose == BankPurpose.PRACTICE else None

    def get_content(self, obj) -> MyPracticeRevealedQuestionOutput:
        return MyPracticeRevealedQuestionOutput(
            revealed_question(obj.version, obj.question.kind, obj.choices)
        ).data


class MyFavouriteInput(serializers.Serializer):
    question = serializers.UUIDField()


class MyFavouriteOutput(_QuestionFacts):
    id = serializers.UUIDField()
    question = serializers.UUIDField(source="question_id")
    created_at = serializers.DateTimeField()
    content = serializers.SerializerMethodField()

    def get_content(self, obj) -> MyPracticeRevealedQuestionOutput:
        return MyPracticeRevealedQuestionOutput(
            revealed_question(obj.question.current, obj.question.kind)
        ).data
