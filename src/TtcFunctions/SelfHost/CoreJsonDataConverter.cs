using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;
using SdkDataConverter = Microsoft.DurableTask.DataConverter;

namespace TtcFunctions.SelfHost;

/// <summary>
/// DurableTask.Core's converter delegating to the System.Text.Json one the class-based orchestrations use,
/// so the client writes inputs as plain camelCase JSON (DTFx's default is Newtonsoft with $type).
/// </summary>
internal sealed class CoreJsonDataConverter(SdkDataConverter inner) : CoreDataConverter
{
    public override string Serialize(object value) => inner.Serialize(value)!;

    public override string Serialize(object value, bool formatted) => inner.Serialize(value)!;

    public override object Deserialize(string data, Type objectType) => inner.Deserialize(data, objectType)!;
}
